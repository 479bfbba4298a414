//! The binary with piped stdio: the one place that starts it outside a PTY.
//!
//! [`run`] starts `ona-connect <args>` in a [`Home`] (its environment is [`Home::base_env`]
//! plus the variables a test passes, its working directory the home), feeds stdin as
//! [`Stdin`] says, collects stdout and stderr on threads and waits for the exit under
//! [`hang_guard`]: a child that runs longer is killed and the test fails with what it wrote.
//! [`Cli`] keeps a home, variables and the secrets that must appear in no output, for tests
//! that run many commands alike.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{BIN, Home, hang_guard};

/// What the child gets on stdin.
#[derive(Debug, Clone, Copy)]
pub enum Stdin<'a> {
    /// This text, then end of input.
    Text(&'a str),
    /// These bytes (not necessarily UTF-8), then end of input.
    Bytes(&'a [u8]),
    /// A pipe that stays open and empty until the child exits: a program that waited for
    /// input would hang (and the hang guard would fail the test).
    Open,
    /// `/dev/null`.
    Null,
}

/// What one run of the binary produced.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Fails with the whole output unless the exit status is `code`.
    pub fn expect(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "{self:#?}");
        self
    }

    pub fn stderr_has(&self, text: &str) -> &Run {
        assert!(
            self.stderr.contains(text),
            "stderr lacks {text:?}: {self:#?}"
        );
        self
    }

    pub fn stdout_has(&self, text: &str) -> &Run {
        assert!(
            self.stdout.contains(text),
            "stdout lacks {text:?}: {self:#?}"
        );
        self
    }

    /// stdout is exactly one JSON value.
    pub fn stdout_json(&self) -> Value {
        only_json_value(&self.stdout)
    }

    /// The lines of stderr that are JSON objects: exactly one, returned.
    pub fn stderr_json(&self) -> Value {
        let objects: Vec<Value> = self
            .stderr
            .lines()
            .filter_map(|l| serde_json::from_str::<Value>(l).ok())
            .filter(Value::is_object)
            .collect();
        assert_eq!(objects.len(), 1, "one JSON object on stderr: {self:#?}");
        objects.into_iter().next().unwrap()
    }

    /// Fails when stdout or stderr holds `secret`.
    pub fn assert_never_printed(&self, secret: &str) -> &Run {
        assert!(
            !self.stdout.contains(secret) && !self.stderr.contains(secret),
            "a secret ({}…) leaked into the output: {self:#?}",
            &secret[..6.min(secret.len())]
        );
        self
    }

    /// Fails when stdout or stderr holds an escape sequence.
    pub fn assert_no_escapes(&self) -> &Run {
        assert!(
            !self.stdout.contains('\u{1b}'),
            "escape sequences on stdout: {self:#?}"
        );
        assert!(
            !self.stderr.contains('\u{1b}'),
            "escape sequences on stderr: {self:#?}"
        );
        self
    }
}

/// `text` is exactly one JSON value: it.
pub fn only_json_value(text: &str) -> Value {
    let values: Vec<Value> = serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert_eq!(values.len(), 1, "exactly one JSON value: {text}");
    values.into_iter().next().unwrap()
}

/// Runs `ona-connect <args>` in `home` with `env` on top of its base environment.
pub fn run(home: &Home, args: &[&str], env: &[(&str, &str)], stdin: Stdin) -> Run {
    start(home, args, env, stdin).wait()
}

/// A child started by [`start`]: signal it, then [`Running::wait`] for its exit.
pub struct Running {
    child: std::process::Child,
    args: Vec<String>,
    started: Instant,
    pipe: Option<std::process::ChildStdin>,
    stdout: JoinHandle<Vec<u8>>,
    stderr: JoinHandle<Vec<u8>>,
}

/// Starts `ona-connect <args>` as [`run`] does, without waiting for it.
pub fn start(home: &Home, args: &[&str], env: &[(&str, &str)], stdin: Stdin) -> Running {
    let mut child = Command::new(BIN)
        .args(args)
        .env_clear()
        .envs(home.base_env())
        .envs(env.iter().copied())
        .current_dir(home.path())
        .stdin(match stdin {
            Stdin::Null => Stdio::null(),
            Stdin::Text(_) | Stdin::Bytes(_) | Stdin::Open => Stdio::piped(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ona-connect");
    let started = Instant::now();
    let mut pipe = child.stdin.take();
    let input = match stdin {
        Stdin::Text(text) => Some(text.as_bytes()),
        Stdin::Bytes(bytes) => Some(bytes),
        _ => None,
    };
    if let Some(input) = input {
        // The child may exit before reading (e.g. a usage error): ignore EPIPE. Dropping the
        // pipe ends the input.
        let _ = pipe.take().expect("stdin").write_all(input);
    }
    let stdout = drain(child.stdout.take().expect("stdout"));
    let stderr = drain(child.stderr.take().expect("stderr"));
    Running {
        child,
        args: args.iter().map(|a| a.to_string()).collect(),
        started,
        pipe,
        stdout,
        stderr,
    }
}

impl Running {
    /// Sends the signal `name` ("TERM", "INT", "HUP").
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the exit under [`hang_guard`] and collects what the child wrote.
    pub fn wait(mut self) -> Run {
        let guard = hang_guard();
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break Some(status);
            }
            if self.started.elapsed() > guard {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        drop(self.pipe);
        let args = &self.args;
        let text = |h: JoinHandle<Vec<u8>>, what: &str| {
            String::from_utf8(h.join().expect("drain thread"))
                .unwrap_or_else(|e| panic!("{what} of {args:?} is not UTF-8: {e}"))
        };
        let (stdout, stderr) = (text(self.stdout, "stdout"), text(self.stderr, "stderr"));
        let Some(status) = status else {
            panic!(
                "ona-connect {args:?} hung for {guard:?} and was killed\nstdout:\n{stdout}\nstderr:\n{stderr}"
            );
        };
        Run {
            code: status.code().unwrap_or(-1),
            stdout,
            stderr,
        }
    }
}

fn drain(mut source: impl Read + Send + 'static) -> JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = source.read_to_end(&mut bytes);
        bytes
    })
}

/// A home, variables and secrets shared by the runs of one test: every run checks that no
/// secret appears on stdout or stderr.
pub struct Cli {
    home: Home,
    env: Vec<(String, String)>,
    secrets: Vec<String>,
}

impl Cli {
    /// A fresh home, no variables of its own, no secrets.
    pub fn new() -> Cli {
        Cli {
            home: Home::new(),
            env: Vec::new(),
            secrets: Vec::new(),
        }
    }

    pub fn home(&self) -> &Home {
        &self.home
    }

    /// Sets `key` for every run (replacing an earlier value).
    pub fn env(mut self, key: &str, value: &str) -> Cli {
        self.env.retain(|(k, _)| k != key);
        self.env.push((key.into(), value.into()));
        self
    }

    /// `secret` must appear in no run's stdout or stderr.
    pub fn secret(mut self, secret: &str) -> Cli {
        self.secrets.push(secret.into());
        self
    }

    /// Runs with `input` written to stdin and stdin closed.
    pub fn run(&self, args: &[&str], input: &str) -> Run {
        self.run_with(args, &[], Stdin::Text(input))
    }

    /// Runs with stdin a pipe that stays open (and empty) until the child exits.
    pub fn run_stdin_open(&self, args: &[&str]) -> Run {
        self.run_with(args, &[], Stdin::Open)
    }

    /// Runs with `extra` variables on top of this one's.
    pub fn run_with(&self, args: &[&str], extra: &[(&str, &str)], stdin: Stdin) -> Run {
        self.checked(self.start_with(args, extra, stdin).wait())
    }

    /// Starts with `input` on stdin; [`Cli::wait`] collects it.
    pub fn start(&self, args: &[&str], input: &str) -> Running {
        self.start_with(args, &[], Stdin::Text(input))
    }

    /// Waits for a child from [`Cli::start`], checking its output for secrets.
    pub fn wait(&self, running: Running) -> Run {
        self.checked(running.wait())
    }

    fn start_with(&self, args: &[&str], extra: &[(&str, &str)], stdin: Stdin) -> Running {
        let mut env: Vec<(&str, &str)> = self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        env.extend_from_slice(extra);
        start(&self.home, args, &env, stdin)
    }

    fn checked(&self, run: Run) -> Run {
        for secret in &self.secrets {
            run.assert_never_printed(secret);
        }
        run
    }
}

impl Default for Cli {
    fn default() -> Self {
        Cli::new()
    }
}
