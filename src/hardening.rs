//! Process-level protections for a program that holds secrets, and the opt-in request log.

use std::path::Path;

/// No core dumps, and (on Linux) not attachable or dumpable by other processes of the user.
pub fn harden_process() {
    #[cfg(target_os = "linux")]
    {
        use rustix::process::{
            DumpableBehavior, Resource, Rlimit, set_dumpable_behavior, setrlimit,
        };
        let zero = Rlimit {
            current: Some(0),
            maximum: Some(0),
        };
        if let Err(e) = setrlimit(Resource::Core, zero) {
            tracing::warn!("could not disable core dumps: {e}");
        }
        if let Err(e) = set_dumpable_behavior(DumpableBehavior::NotDumpable) {
            tracing::warn!("could not mark the process non-dumpable: {e}");
        }
    }
}

/// Starts the request log (`--log FILE` / `ONA_CONNECT_LOG`). It records requests by method,
/// path, status and duration only: the client never emits headers or bodies, and key events
/// are never logged.
pub fn start_log(path: &Path) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(path)
        .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    // Only this program's own events: dependencies' internals are not reviewed for secrets.
    let ours = tracing_subscriber::filter::Targets::new()
        .with_target("ona_connect", tracing::Level::DEBUG);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_target(false);
    tracing_subscriber::registry()
        .with(layer)
        .with(ours)
        .try_init()
        .map_err(|e| format!("cannot start the log: {e}"))
}

#[cfg(test)]
mod tests {
    #[cfg(target_os = "linux")]
    #[test]
    fn core_dumps_are_off_and_the_process_is_not_dumpable() {
        super::harden_process();
        let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
        let core = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert!(
            core.split_whitespace().filter(|w| *w == "0").count() >= 2,
            "{core}"
        );
        assert_eq!(
            rustix::process::dumpable_behavior().unwrap(),
            rustix::process::DumpableBehavior::NotDumpable
        );
    }
}
