//! `list`: the Ona connections the identity can see.

use super::{Failure, print_json, signed_in_client};
use crate::cli::{EXIT_OK, Global, ListArgs};
use crate::config::Settings;
use crate::sanitize;

pub async fn list(global: &Global, settings: Settings, args: ListArgs) -> i32 {
    let result = async {
        let client = signed_in_client(global, &settings).await?;
        let project = settings.explicit_project_id.clone();
        client
            .list_connections(project.as_deref())
            .await
            .map_err(|e| Failure::from(&e))
    }
    .await;
    match result {
        Err(f) => f.report(args.json),
        Ok(connections) if args.json => {
            print_json(&connections);
            EXIT_OK
        }
        Ok(connections) => {
            if connections.is_empty() {
                println!("No Ona connections are visible to this identity.");
            } else {
                println!("{:<24} {:<20} {:<37} UPDATED", "NAME", "PROJECT", "ID");
                for c in &connections {
                    let clean = |s: &str| sanitize::for_terminal(s, 64);
                    println!(
                        "{:<24} {:<20} {:<37} {}",
                        clean(&c.name),
                        c.project
                            .as_ref()
                            .map(|p| clean(&p.name))
                            .or_else(|| c.project_id.as_deref().map(clean))
                            .unwrap_or_else(|| "(organization)".into()),
                        clean(&c.id),
                        c.updated_at.as_deref().map(clean).unwrap_or_default()
                    );
                }
            }
            EXIT_OK
        }
    }
}
