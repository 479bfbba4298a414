//! The texts of the Ona steps, kept as data in `assets/guide.toml` and embedded at build time.

use serde::Deserialize;
use std::sync::OnceLock;

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Link {
    pub label: String,
    pub url: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub body: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub links: Vec<Link>,
}

#[derive(Debug, Deserialize)]
struct Guide {
    step: Vec<Step>,
}

const GUIDE_TOML: &str = include_str!("../assets/guide.toml");

/// The guide's steps, in order. The file is part of the binary and checked by a test, so a
/// parse failure here is a build defect.
pub fn steps() -> &'static [Step] {
    static STEPS: OnceLock<Vec<Step>> = OnceLock::new();
    STEPS.get_or_init(|| match toml::from_str::<Guide>(GUIDE_TOML) {
        Ok(g) => g.step,
        Err(e) => panic!("assets/guide.toml is invalid: {e}"),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn guide_has_the_four_ona_steps() {
        let steps = super::steps();
        let ids: Vec<_> = steps.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            ["open-settings", "select-tab", "create-token", "copy-token"]
        );
        assert!(
            steps[0]
                .links
                .iter()
                .any(|l| l.url == "https://app.ona.com")
        );
        assert!(
            steps
                .iter()
                .all(|s| !s.title.is_empty() && !s.body.is_empty())
        );
    }
}
