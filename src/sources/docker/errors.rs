//! Turns bollard's errors into `SourceError`s that say what to do.

use std::error::Error as _;
use std::io;

use bollard::errors::Error;

use crate::error::SourceError;

/// Maps a bollard error for requests to `target` (the engine's address).
pub fn map(target: &str, err: &Error) -> SourceError {
    let target = target.to_owned();
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
        } => SourceError::NotFound {
            what: message.clone(),
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
        other => transport(target, other),
    }
}

/// Classifies connection failures by the I/O error at the root of the chain.
fn transport(target: String, err: &Error) -> SourceError {
    let mut source: Option<&(dyn std::error::Error + 'static)> = err.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return io_error(target, io);
        }
        source = e.source();
    }
    if let Error::IOError { err } = err {
        return io_error(target, err);
    }
    SourceError::Unreachable {
        target,
        detail: err.to_string(),
    }
}

fn io_error(target: String, io: &io::Error) -> SourceError {
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
