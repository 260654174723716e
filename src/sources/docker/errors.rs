//! Turns bollard's errors into `SourceError`s that say what to do. The engine's
//! address loses its `user:password@`, and that password is scrubbed from every
//! message (engines and proxies echo the URL).

use std::error::Error as _;
use std::io;

use bollard::errors::Error;

use crate::error::SourceError;
use crate::sources::redact::{self, Secrets};

/// Maps a bollard error for requests to `target` (the engine's address).
pub fn map(target: &str, err: &Error) -> SourceError {
    let secrets = Secrets::of_url(target);
    classify(target, err).map_text(|t| secrets.scrub(t))
}

fn classify(target: &str, err: &Error) -> SourceError {
    let address = target;
    let target = redact::display_url(target);
    match err {
        Error::SocketNotFoundError(path) => SourceError::Unreachable {
            target,
            detail: format!(
                "socket '{path}' not found: is the Docker engine running? (or set DOCKER_HOST)"
            ),
        },
        Error::DockerResponseServerError {
            status_code: 404,
            message,
        } if is_docker_not_found(message) => SourceError::NotFound {
            what: message.clone(),
        },
        Error::DockerResponseServerError {
            status_code: 404,
            message,
        } => SourceError::Http {
            detail: format!(
                "'{}' (HTTP 404 to a Docker API call): is this a Docker engine? \
                 (check host in [[docker]] or DOCKER_HOST)",
                message.chars().take(120).collect::<String>()
            ),
            target,
            status: 404,
        },
        Error::DockerResponseServerError {
            status_code,
            message,
        } => SourceError::Http {
            target,
            status: *status_code,
            detail: message.clone(),
        },
        Error::JsonDataError { message, .. } => SourceError::Malformed {
            target,
            detail: message.clone(),
        },
        Error::JsonSerdeError { err } => SourceError::Malformed {
            target,
            detail: err.to_string(),
        },
        Error::RequestTimeoutError => SourceError::Timeout { target, secs: 0 },
        other => transport(target, address, other),
    }
}

/// Whether a 404's message is the engine's own "no such thing" (not another
/// server's page, nor the engine's "page not found" for an API it lacks).
fn is_docker_not_found(message: &str) -> bool {
    let lower = message.trim().to_ascii_lowercase();
    !lower.contains('<')
        && lower != "page not found"
        && (lower.starts_with("no such") || lower.ends_with("not found"))
}

/// Classifies connection failures by the I/O error at the root of the chain.
fn transport(target: String, address: &str, err: &Error) -> SourceError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return io_error(target, address, io);
        }
        source = e.source();
    }
    if let Error::IOError { err } = err {
        return io_error(target, address, err);
    }
    SourceError::Unreachable {
        target,
        detail: err.to_string(),
    }
}

fn io_error(target: String, address: &str, io: &io::Error) -> SourceError {
    if let Some(detail) = not_a_socket(address) {
        return SourceError::Unreachable { target, detail };
    }
    match io.kind() {
        io::ErrorKind::PermissionDenied => SourceError::Auth {
            target,
            detail: "permission denied on the Docker socket: add your user to the 'docker' \
                     group (then log in again) or point DOCKER_HOST at an engine you may use"
                .to_owned(),
        },
        io::ErrorKind::NotFound => SourceError::Unreachable {
            target,
            detail: "no socket there: is the Docker engine running? (or set DOCKER_HOST)"
                .to_owned(),
        },
        io::ErrorKind::ConnectionRefused => SourceError::Unreachable {
            target,
            detail: "connection refused: the engine is not running or not listening there"
                .to_owned(),
        },
        _ => SourceError::Unreachable {
            target,
            detail: io.to_string(),
        },
    }
}

/// Says so when a `unix://` address names a regular file or a directory, which
/// refuse connections just as a stopped engine's socket does.
fn not_a_socket(address: &str) -> Option<String> {
    let path = address.strip_prefix("unix://")?;
    let meta = std::fs::metadata(path).ok()?;
    let fix = "point DOCKER_HOST (or host in [[docker]]) at the engine's socket";
    if meta.is_dir() {
        Some(format!("'{path}' is a directory, not a socket: {fix}"))
    } else if meta.is_file() {
        Some(format!("'{path}' is a file, not a socket: {fix}"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_the_address_never_show() {
        let err = Error::DockerResponseServerError {
            status_code: 500,
            message: "proxy: bad auth for tcp://ops:hunter22@edge:2376 (hunter22)".into(),
        };
        let e = map("tcp://ops:hunter22@edge:2376", &err);
        let text = e.to_string();
        assert!(!text.contains("hunter22"), "{text}");
        assert!(text.contains("'tcp://edge:2376'"), "{text}");
    }

    #[test]
    fn a_404_from_another_server_asks_whether_it_is_docker() {
        let other = Error::DockerResponseServerError {
            status_code: 404,
            message: "<html>Not Found</html>".into(),
        };
        let e = map("tcp://h:80", &other);
        assert!(e.to_string().contains("is this a Docker engine?"), "{e}");
        let engine = Error::DockerResponseServerError {
            status_code: 404,
            message: "No such container: abc".into(),
        };
        assert!(matches!(
            map("tcp://h:80", &engine),
            SourceError::NotFound { .. }
        ));
    }

    #[test]
    fn files_and_directories_are_not_sockets() {
        let dir = std::env::temp_dir();
        let file = dir.join(format!("fd-not-a-socket-{}", std::process::id()));
        std::fs::write(&file, b"x").unwrap();
        let refused = || Error::IOError {
            err: io::Error::from(io::ErrorKind::ConnectionRefused),
        };
        let at = |p: &std::path::Path| format!("unix://{}", p.display());
        let e = map(&at(&file), &refused());
        assert!(e.to_string().contains("is a file, not a socket"), "{e}");
        let e = map(&at(&dir), &refused());
        assert!(
            e.to_string().contains("is a directory, not a socket"),
            "{e}"
        );
        std::fs::remove_file(&file).unwrap();
    }
}
