//! The plain mode's conversation: lines out, answers in, numbered choices, secrets without
//! echo.

use std::io::Write;

use crate::prompt::{self, PromptError};
use crate::wizard::STEP_COUNT;

pub(super) fn say(text: impl AsRef<str>) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", text.as_ref());
    let _ = out.flush();
}

/// A question on stdout, with the conversation, then the answer.
pub(super) fn ask(question: &str) -> Result<String, PromptError> {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question}");
    let _ = out.flush();
    prompt::line()
}

pub(super) fn ask_secret(question: &str) -> Result<zeroize::Zeroizing<String>, PromptError> {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question}");
    let _ = out.flush();
    prompt::secret_line()
}

/// [`ask_secret`] that gives up with `None` once `stop` holds.
pub(super) fn ask_secret_unless(
    question: &str,
    stop: &dyn Fn() -> bool,
) -> Result<Option<zeroize::Zeroizing<String>>, PromptError> {
    let mut out = std::io::stdout().lock();
    let _ = write!(out, "{question}");
    let _ = out.flush();
    drop(out);
    prompt::secret_line_unless(Some(stop))
}

pub(super) fn step(n: usize, title: &str) {
    say("");
    say(format!("Step {n} of {STEP_COUNT}: {title}"));
}

/// `question [default]: `, the default when the answer is empty.
pub(super) fn ask_default(question: &str, default: &str) -> Result<String, PromptError> {
    let shown = if default.is_empty() {
        String::new()
    } else {
        format!(" [{default}]")
    };
    let answer = ask(&format!("{question}{shown}: "))?;
    Ok(if answer.trim().is_empty() {
        default.to_string()
    } else {
        answer.trim().to_string()
    })
}

/// A numbered choice; returns the index. Empty answer takes `default`.
pub(super) fn choose(
    question: &str,
    options: &[String],
    default: usize,
) -> Result<usize, PromptError> {
    for (i, o) in options.iter().enumerate() {
        say(format!("  {}) {o}", i + 1));
    }
    loop {
        let answer = ask_default(question, &(default + 1).to_string())?;
        match answer.parse::<usize>() {
            Ok(n) if (1..=options.len()).contains(&n) => return Ok(n - 1),
            _ => say(format!(
                "Please answer with a number from 1 to {}.",
                options.len()
            )),
        }
    }
}

pub(super) fn yes(question: &str, default_yes: bool) -> Result<bool, PromptError> {
    let hint = if default_yes { "Y/n" } else { "y/N" };
    loop {
        let answer = ask(&format!("{question} [{hint}]: "))?;
        match answer.trim().to_lowercase().as_str() {
            "" => return Ok(default_yes),
            "y" | "yes" => return Ok(true),
            "n" | "no" => return Ok(false),
            _ => say("Please answer y or n."),
        }
    }
}
