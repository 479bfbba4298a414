//! Fixed, clearly fake seed data, public so that tests, the `demo` command and the foreground
//! `sandbox` command can print or pre-fill them. Everything else is created by API calls.

/// The Infisical organization that owns the seeded projects and every connection.
pub const ORG_ID: &str = "d0d0d0d0-0000-4000-8000-00000000000a";

/// Its name, as the organization list shows it.
pub const ORG_NAME: &str = "Demo Organization";

/// First seeded secret-manager project.
pub const BACKEND_PROJECT_ID: &str = "d0d0d0d0-0000-4000-8000-000000000b01";
pub const BACKEND_PROJECT_NAME: &str = "Demo Backend";
pub const BACKEND_PROJECT_SLUG: &str = "demo-backend";

/// Second seeded secret-manager project.
pub const FRONTEND_PROJECT_ID: &str = "d0d0d0d0-0000-4000-8000-000000000f01";
pub const FRONTEND_PROJECT_NAME: &str = "Demo Frontend";
pub const FRONTEND_PROJECT_SLUG: &str = "demo-frontend";

/// Universal Auth machine identity, member of both projects.
pub const IDENTITY_ID: &str = "d0d0d0d0-0000-4000-8000-0000000001d1";
pub const CLIENT_ID: &str = "d0d0d0d0-0000-4000-8000-0000000c1e01";
pub const CLIENT_SECRET: &str = "sandbox-demo-client-secret-not-a-real-secret";

/// The demo user whose session token stands in for `infisical user get token --plain`.
pub const USER_ID: &str = "d0d0d0d0-0000-4000-8000-0000000005e1";
/// The demo user's e-mail address (`GET /api/v1/user`).
pub const USER_EMAIL: &str = "dana@example.com";
/// JWT-shaped user session token, valid from sandbox start (payload names the demo user).
pub const USER_TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdXRoVG9rZW5UeXBlIjoiYWNjZXNzVG9rZW4iLCJ1c2VySWQiOiJkMGQwZDBkMC0wMDAwLTQwMDAtODAwMC0wMDAwMDAwMDA1ZTEiLCJzYW5kYm94IjoiZGVtby11c2VyLXNlc3Npb24ifQ.c2FuZGJveC1kZW1vLXNpZ25hdHVyZS1ub3QtcmVhbA";

/// Emulated Ona organization and user that own the demo PAT.
pub const ONA_ORG_ID: &str = "d0d0d0d0-0000-4000-8000-0000000000aa";
pub const ONA_USER_ID: &str = "d0d0d0d0-0000-4000-8000-0000000000bb";
/// How Ona names the demo user (`GetAuthenticatedUser`).
pub const ONA_USER_NAME: &str = "Dana Developer";
pub const ONA_USER_EMAIL: &str = "dana@example.com";
/// A valid (emulated) Ona Personal Access Token.
pub const ONA_PAT: &str = "ona_demo_pat_sandbox_not_a_real_token";
/// Record id of [`ONA_PAT`] in `ListPersonalAccessTokens`.
pub const ONA_PAT_ID: &str = "d0d0d0d0-0000-4000-8000-0000000000cc";
pub const ONA_PAT_DESCRIPTION: &str = "infisical integration";
/// [`ONA_PAT`] expires this many days after the sandbox started.
pub const ONA_PAT_LIFETIME_DAYS: i64 = 60;

/// Environments seeded per project: (project id, name, slug, environment id).
pub const ENVIRONMENTS: &[(&str, &str, &str, &str)] = &[
    (
        BACKEND_PROJECT_ID,
        "Development",
        "dev",
        "d0d0d0d0-0000-4000-8000-000000000e11",
    ),
    (
        BACKEND_PROJECT_ID,
        "Staging",
        "staging",
        "d0d0d0d0-0000-4000-8000-000000000e12",
    ),
    (
        BACKEND_PROJECT_ID,
        "Production",
        "prod",
        "d0d0d0d0-0000-4000-8000-000000000e13",
    ),
    (
        FRONTEND_PROJECT_ID,
        "Development",
        "dev",
        "d0d0d0d0-0000-4000-8000-000000000e21",
    ),
    (
        FRONTEND_PROJECT_ID,
        "Production",
        "prod",
        "d0d0d0d0-0000-4000-8000-000000000e22",
    ),
];
