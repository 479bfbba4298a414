//! `cargo bench --bench tui`: what a person feels, measured. Starts the release binary
//! (`ona-connect demo`) in a 100x30 pseudo-terminal and reports, as medians over `RUNS` runs
//! (default 10): time to the first complete frame, bytes written per keystroke in the masked
//! token field, bytes and CPU time while idle for 5 s, peak resident memory; plus the binary's
//! size and the time a submit adds to the loopback sandbox's own time. The same figures are
//! taken for a minimal ratatui + tui-input masked form (`benches/minimal_form.rs`, the floor of
//! our stack) and for `whiptail --passwordbox` when it is installed.
//!
//! The first frame, the noisiest figure, is sampled 3 x `RUNS` times with the programs taking
//! turns. `FIRST_FRAME_ONLY=1` stops after it (for quick comparisons while working on start-up).

mod minimal_form;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 30;
const COLS: u16 = 100;

#[derive(Clone, Copy, PartialEq)]
enum Program {
    Ours,
    /// Another build of ours (`BEFORE_BIN`), for a before/after comparison in one run.
    Before,
    Minimal,
    Whiptail,
}

impl Program {
    fn name(self) -> &'static str {
        match self {
            Program::Ours => "ona-connect demo",
            Program::Before => "ona-connect (BEFORE_BIN)",
            Program::Minimal => "minimal ratatui form",
            Program::Whiptail => "whiptail --passwordbox",
        }
    }

    fn command(self) -> CommandBuilder {
        let mut c = match self {
            Program::Ours | Program::Before => {
                let b = binaries();
                let path = match self {
                    Program::Before => b.before.as_ref().expect("BEFORE_BIN"),
                    _ => &b.ours,
                };
                let mut c = CommandBuilder::new(path);
                c.args(["demo", "--skip-ona-check"]);
                c
            }
            Program::Minimal => {
                let mut c = CommandBuilder::new(&binaries().bench);
                c.arg("--minimal-form");
                c
            }
            Program::Whiptail => {
                let mut c = CommandBuilder::new("whiptail");
                c.args(["--passwordbox", "Ona Personal Access Token", "8", "60"]);
                c
            }
        };
        c.env("TERM", "xterm-256color");
        c.env("HOME", std::env::temp_dir());
        c.env("PATH", "/usr/bin:/bin");
        c
    }

    /// Text that is on screen once the first frame is complete.
    fn ready(self, screen: &str) -> bool {
        match self {
            Program::Ours | Program::Before => {
                screen.contains("Sign in to Infisical") && screen.contains("Ctrl-C quit")
            }
            Program::Minimal => screen.contains("Esc quit"),
            Program::Whiptail => screen.contains("<Ok>") || screen.contains("< Ok >"),
        }
    }
}

/// The executables the programs start from: copies made when the bench starts. A binary the
/// linker has just written starts slower than the same bytes copied (ours measured about 5%
/// slower from the link's output than from a copy, the same file in both places otherwise
/// measuring alike, 2026-12-02), and the penalty grows with the binary's size; an installed
/// binary is a copy too.
struct Binaries {
    ours: std::path::PathBuf,
    before: Option<std::path::PathBuf>,
    bench: std::path::PathBuf,
    dir: std::path::PathBuf,
}

fn binaries() -> &'static Binaries {
    static BINARIES: std::sync::OnceLock<Binaries> = std::sync::OnceLock::new();
    BINARIES.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temporary directory").keep();
        let copy = |from: &std::path::Path, name: &str| {
            let to = dir.join(name);
            std::fs::copy(from, &to).expect("copy an executable");
            to
        };
        Binaries {
            ours: copy(env!("CARGO_BIN_EXE_ona-connect").as_ref(), "ona-connect"),
            before: std::env::var_os("BEFORE_BIN").map(|b| copy(b.as_ref(), "before")),
            bench: copy(&std::env::current_exe().expect("own path"), "bench"),
            dir,
        }
    })
}

/// The copies are removed when the bench ends (not when it fails).
fn remove_copies() {
    let _ = std::fs::remove_dir_all(&binaries().dir);
}

/// Answers what a terminal answers, as xterm does: the background colour (OSC 11, dark)
/// and the primary device attributes (DA1). Without this the pseudo-terminal would be a
/// terminal that answers nothing, which makes a program that asks wait for its timeout.
/// `seen` holds a few bytes already looked at, then the new ones from `new_from`: a query
/// is answered once, when its last byte is new.
fn answer_queries(seen: &[u8], new_from: usize, writer: &Mutex<Box<dyn Write + Send>>) {
    let asked = |query: &[u8]| {
        seen.windows(query.len())
            .enumerate()
            .filter(|(i, w)| *w == query && i + query.len() > new_from)
            .count()
    };
    let mut writer = writer.lock().unwrap();
    for _ in 0..asked(b"\x1b]11;?") {
        let _ = writer.write_all(b"\x1b]11;rgb:0000/0000/0000\x1b\\");
    }
    for _ in 0..asked(b"\x1b[c") {
        let _ = writer.write_all(b"\x1b[?62;22c");
    }
    let _ = writer.flush();
}

/// A program running in a pseudo-terminal, its output counted and parsed as it arrives.
struct Run {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    bytes: Arc<Mutex<usize>>,
    last_output: Arc<Mutex<Instant>>,
    parser: Arc<Mutex<vt100::Parser>>,
    first_frame: Arc<Mutex<Option<Duration>>>,
    /// Full-screen clears written so far: ratatui clears once before each redraw that
    /// follows a resize.
    clears: Arc<Mutex<usize>>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Run {
    fn start(program: Program) -> Run {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let started = Instant::now();
        let child = pair.slave.spawn_command(program.command()).expect("spawn");
        drop(pair.slave);
        let bytes = Arc::new(Mutex::new(0));
        let last_output = Arc::new(Mutex::new(Instant::now()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(ROWS, COLS, 0)));
        let first_frame = Arc::new(Mutex::new(None));
        let clears = Arc::new(Mutex::new(0));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = Arc::new(Mutex::new(pair.master.take_writer().expect("writer")));
        let answers = writer.clone();
        let (b, l, p, f, c) = (
            bytes.clone(),
            last_output.clone(),
            parser.clone(),
            first_frame.clone(),
            clears.clone(),
        );
        std::thread::spawn(move || {
            let mut buf = [0u8; 65536];
            // The last bytes of the previous read, so a sequence split across reads counts.
            let mut tail: Vec<u8> = Vec::new();
            // The same for the queries the program asks the terminal.
            let mut queries: Vec<u8> = Vec::new();
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let now = Instant::now();
                *b.lock().unwrap() += n;
                *l.lock().unwrap() = now;
                tail.extend_from_slice(&buf[..n]);
                *c.lock().unwrap() += tail.windows(4).filter(|w| w == b"\x1b[2J").count();
                let new_from = queries.len();
                queries.extend_from_slice(&buf[..n]);
                answer_queries(&queries, new_from, &answers);
                queries.drain(..queries.len().saturating_sub(6));
                tail.drain(..tail.len().saturating_sub(3));
                let mut parser = p.lock().unwrap();
                parser.process(&buf[..n]);
                let mut first = f.lock().unwrap();
                if first.is_none() && program.ready(&parser.screen().contents()) {
                    *first = Some(now - started);
                }
            }
        });
        Run {
            child,
            writer,
            bytes,
            last_output,
            parser,
            first_frame,
            clears,
            master: pair.master,
        }
    }

    fn wait_first_frame(&self) -> Duration {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(d) = *self.first_frame.lock().unwrap() {
                return d;
            }
            assert!(
                Instant::now() < deadline,
                "no first frame:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(1));
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while !self.screen().contains(text) {
            assert!(
                Instant::now() < deadline,
                "waiting for {text:?}:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits until nothing has been written for `quiet`.
    fn settle(&self, quiet: Duration) {
        loop {
            let since = self.last_output.lock().unwrap().elapsed();
            if since >= quiet {
                return;
            }
            std::thread::sleep(quiet - since);
        }
    }

    fn send(&mut self, s: &str) {
        let mut writer = self.writer.lock().unwrap();
        writer.write_all(s.as_bytes()).unwrap();
        writer.flush().unwrap();
    }

    fn resize(&self, cols: u16, rows: u16) {
        self.parser
            .lock()
            .unwrap()
            .screen_mut()
            .set_size(rows, cols);
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize");
    }

    fn clears(&self) -> usize {
        *self.clears.lock().unwrap()
    }

    fn bytes(&self) -> usize {
        *self.bytes.lock().unwrap()
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }

    /// CPU time of every thread of the process, from the scheduler's `sum_exec_runtime`
    /// (milliseconds with microsecond precision; `/proc/<pid>/stat` only counts 10 ms ticks).
    fn cpu(&self) -> Duration {
        let mut total_ms = 0.0;
        if let Ok(tasks) = std::fs::read_dir(format!("/proc/{}/task", self.pid())) {
            for t in tasks.flatten() {
                if let Ok(s) = std::fs::read_to_string(t.path().join("sched")) {
                    total_ms += s
                        .lines()
                        .find(|l| l.trim_start().starts_with("se.sum_exec_runtime"))
                        .and_then(|l| l.split(':').nth(1)?.trim().parse::<f64>().ok())
                        .unwrap_or(0.0);
                }
            }
        }
        Duration::from_secs_f64(total_ms / 1000.0)
    }

    /// Peak resident memory in KiB.
    fn peak_rss_kib(&self) -> u64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmHWM:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Brings the program to its masked token field.
fn to_token_field(run: &mut Run, program: Program) {
    if matches!(program, Program::Ours | Program::Before) {
        run.send("\r");
        run.wait_for("Signed in to");
        for _ in 0..5 {
            run.send("\r");
        }
        run.wait_for("Connection details");
    }
    run.settle(Duration::from_millis(300));
}

#[derive(Default)]
struct Figures {
    per_key: Vec<f64>,
    idle_bytes: Vec<f64>,
    idle_cpu: Vec<f64>,
    rss: Vec<f64>,
    /// CPU used by a whole typing run: shows the CPU counter works.
    busy_cpu: Vec<f64>,
    resize_redraws: Vec<f64>,
    resize_bytes: Vec<f64>,
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn measure(program: Program, runs: usize, idle: Duration) -> Figures {
    let mut f = Figures::default();
    for _ in 0..runs {
        // Idle on the first screen.
        let run = Run::start(program);
        run.wait_first_frame();
        run.settle(Duration::from_millis(300));
        let (b0, c0) = (run.bytes(), run.cpu());
        std::thread::sleep(idle);
        f.idle_bytes.push((run.bytes() - b0) as f64);
        f.idle_cpu.push((run.cpu() - c0).as_secs_f64() * 1000.0);
        // One resize, as a window manager's snap or a tmux split makes it.
        let (b0, c0) = (run.bytes(), run.clears());
        run.resize(COLS + 20, ROWS + 10);
        std::thread::sleep(Duration::from_millis(200));
        run.settle(Duration::from_millis(300));
        f.resize_redraws.push((run.clears() - c0) as f64);
        f.resize_bytes.push((run.bytes() - b0) as f64);
        drop(run);

        // Typing into the masked field, one key at a time.
        let mut run = Run::start(program);
        run.wait_first_frame();
        to_token_field(&mut run, program);
        for i in 0..20 {
            let before = run.bytes();
            run.send(if i % 2 == 0 { "a" } else { "7" });
            std::thread::sleep(Duration::from_millis(10));
            run.settle(Duration::from_millis(60));
            f.per_key.push((run.bytes() - before) as f64);
        }
        f.rss.push(run.peak_rss_kib() as f64 / 1024.0);
        f.busy_cpu.push(run.cpu().as_secs_f64() * 1000.0);
    }
    f
}

/// Median time to the first frame of each program. The programs take turns, round after
/// round (after one unrecorded warm-up round), so a drift in the machine's speed during the
/// run affects them alike instead of whichever was measured last.
fn first_frames(programs: &[Program], rounds: usize) -> Vec<f64> {
    let mut samples = vec![Vec::new(); programs.len()];
    for round in 0..=rounds {
        for (i, program) in programs.iter().enumerate() {
            let run = Run::start(*program);
            let took = run.wait_first_frame().as_secs_f64() * 1000.0;
            if round > 0 {
                samples[i].push(took);
            }
        }
    }
    samples.iter_mut().map(|s| median(s)).collect()
}

/// Median time a submit (name lookup + create) takes through our client, and the same two
/// requests sent raw over one kept-alive connection: the difference is what we add.
fn submit_overhead(samples: usize) -> (f64, f64) {
    use ona_connect::infisical::{Client, ClientOptions, CreateRequest, Credentials, Domain};
    use ona_connect::sandbox::{Sandbox, SandboxOptions, demo};
    use ona_connect::secret::Secret;
    let sb = Sandbox::start(SandboxOptions::default()).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let client = Client::new(ClientOptions::new(Domain::parse(&sb.url()).unwrap())).unwrap();
    let access = sb.issue_access_token();
    rt.block_on(client.sign_in(Credentials::AccessToken(Secret::new(access.clone()))))
        .unwrap();
    let mut ours = Vec::new();
    for i in 0..samples {
        let request = CreateRequest {
            name: format!("bench-ours-{i}"),
            description: None,
            project_id: demo::BACKEND_PROJECT_ID.into(),
            token: Secret::new(demo::ONA_PAT),
        };
        let started = Instant::now();
        rt.block_on(client.create_connection(&request, false))
            .unwrap();
        ours.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let mut raw = Vec::new();
    let mut stream = std::net::TcpStream::connect(sb.addr()).unwrap();
    stream.set_nodelay(true).unwrap();
    for i in 0..samples {
        let name = format!("bench-raw-{i}");
        let body = format!(
            r#"{{"name":"{name}","method":"personal-access-token","projectId":"{}","credentials":{{"personalAccessToken":"{}"}}}}"#,
            demo::BACKEND_PROJECT_ID,
            demo::ONA_PAT
        );
        let get = format!(
            "GET /api/v1/app-connections/ona/connection-name/{name}?projectId={} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {access}\r\n\r\n",
            demo::BACKEND_PROJECT_ID
        );
        let post = format!(
            "POST /api/v1/app-connections/ona HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {access}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        let started = Instant::now();
        for request in [get, post] {
            stream.write_all(request.as_bytes()).unwrap();
            read_response(&mut stream);
        }
        raw.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    (median(&mut ours), median(&mut raw))
}

/// Reads one HTTP/1.1 response with a Content-Length body.
fn read_response(stream: &mut std::net::TcpStream) {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).unwrap();
        assert!(n > 0, "connection closed");
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return;
            }
        }
    }
}

fn main() {
    if std::env::args().any(|a| a == "--minimal-form") {
        minimal_form::run().expect("minimal form");
        return;
    }
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10);
    let idle = Duration::from_secs(
        std::env::var("IDLE_SECS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(5),
    );
    let whiptail = std::process::Command::new("whiptail")
        .arg("--version")
        .output()
        .is_ok();
    println!(
        "ona-connect terminal benchmark: {runs} runs, medians, {COLS}x{ROWS} pseudo-terminal, idle {}s",
        idle.as_secs()
    );
    println!(
        "machine: {} cores, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(
                |c| c.lines().find(|l| l.starts_with("model name")).map(|l| l
                    .split(':')
                    .nth(1)
                    .unwrap_or("")
                    .trim()
                    .to_string())
            )
            .unwrap_or_default()
    );
    println!();
    println!(
        "{:<24} {:>12} {:>10} {:>11} {:>10} {:>9} {:>11} {:>8} {:>11}",
        "program",
        "first frame",
        "bytes/key",
        "idle bytes",
        "idle CPU",
        "peak RSS",
        "typing CPU",
        "redraws",
        "bytes"
    );
    println!(
        "{:<24} {:>12} {:>10} {:>11} {:>10} {:>9} {:>11} {:>8} {:>11}",
        "", "", "", "(5 s)", "(5 s)", "", "(20 keys)", "/resize", "/resize"
    );
    let mut programs = vec![Program::Ours, Program::Minimal];
    if std::env::var_os("BEFORE_BIN").is_some() {
        programs.push(Program::Before);
    }
    if whiptail {
        programs.push(Program::Whiptail);
    }
    // Three times as many first-frame samples as runs: they are cheap and the noisiest figure.
    let first_frames = first_frames(&programs, runs * 3);
    if std::env::var_os("FIRST_FRAME_ONLY").is_some() {
        for (program, first) in programs.iter().zip(&first_frames) {
            println!("{:<24} {first:>9.2} ms", program.name());
        }
        println!(
            "first frame, ours / minimal form: {:.2}x",
            first_frames[0] / first_frames[1]
        );
        if let Some(i) = programs.iter().position(|p| *p == Program::Before) {
            println!(
                "first frame, BEFORE_BIN / minimal form: {:.2}x",
                first_frames[i] / first_frames[1]
            );
        }
        remove_copies();
        return;
    }
    for (program, first) in programs.into_iter().zip(first_frames.iter().copied()) {
        let mut f = measure(program, runs, idle);
        println!(
            "{:<24} {:>9.2} ms {:>10.1} {:>11.0} {:>7.2} ms {:>6.1} MB {:>8.1} ms {:>8.0} {:>11.0}",
            program.name(),
            first,
            median(&mut f.per_key),
            median(&mut f.idle_bytes),
            median(&mut f.idle_cpu),
            median(&mut f.rss),
            median(&mut f.busy_cpu),
            median(&mut f.resize_redraws),
            median(&mut f.resize_bytes),
        );
    }
    if !whiptail {
        println!(
            "{:<24} not installed (apt-get install whiptail)",
            "whiptail --passwordbox"
        );
    }
    println!();
    println!(
        "first frame, ours / minimal form: {:.2}x",
        first_frames[0] / first_frames[1]
    );
    let size = std::fs::metadata(env!("CARGO_BIN_EXE_ona-connect")).map_or(0, |m| m.len());
    println!("release binary: {:.2} MB", size as f64 / 1_048_576.0);
    let (ours, raw) = submit_overhead(runs.max(10) * 2);
    println!(
        "submit (lookup + create) against the loopback sandbox: ours {ours:.2} ms, raw requests {raw:.2} ms, added {:.2} ms",
        ours - raw
    );
    remove_copies();
}
