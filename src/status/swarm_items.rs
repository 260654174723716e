//! The items of a Swarm manager's services and nodes: kinds `service` and `node`,
//! with the field names `flightdeck status --json` promises.

use super::Item;
use super::items::object;
use crate::state::swarm::{Node, Service, SwarmSnapshot, UpdateState};

/// One item per service, then one per node, of the swarm read through engine `host`.
pub fn items(host: &str, swarm: &SwarmSnapshot) -> Vec<Item> {
    let services = swarm.services.iter().map(|s| service_item(host, s));
    let nodes = swarm.nodes.iter().map(|n| node_item(host, n));
    services.chain(nodes).collect()
}

fn service_item(host: &str, s: &Service) -> Item {
    let fields = serde_json::json!({
        "host": host,
        "mode": s.mode.as_str(),
        "replicas_desired": s.replicas_desired,
        "replicas_running": s.replicas_running,
        "image": s.image,
        "update_state": s.update_state.map(UpdateState::as_str),
    });
    Item {
        kind: "service",
        source: host.to_owned(),
        id: s.id.clone(),
        name: s.name.clone(),
        state: s.state_word().to_owned(),
        severity: s.severity(),
        fields: object(fields),
    }
}

fn node_item(host: &str, n: &Node) -> Item {
    let fields = serde_json::json!({
        "host": host,
        "role": n.role.as_str(),
        "availability": n.availability.as_str(),
    });
    Item {
        kind: "node",
        source: host.to_owned(),
        id: n.id.clone(),
        name: n.hostname.clone(),
        state: n.state.as_str().to_owned(),
        severity: n.severity(),
        fields: object(fields),
    }
}
