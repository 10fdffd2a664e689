//! What the bench binaries share: configuration from the environment and latency figures.

use std::time::Duration;

use serde_json::{Value, json};

pub type Res<T> = Result<T, String>;

/// The value of the environment variable `name`, or `default` when it is unset.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> Res<T> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| format!("{name}={value} is not a valid value")),
        Err(_) => Ok(default),
    }
}

/// The `p`th percentile of `sorted` (nearest rank); zero for no samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `duration` in milliseconds with one decimal.
pub fn ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// The 1, 5 and 15 minute load averages of the machine.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map_or_else(
        |_| "unknown".to_owned(),
        |text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        },
    )
}

/// POSTs a GraphQL request with a bearer token; returns the whole response body.
pub async fn post_graphql(
    http: &reqwest::Client,
    endpoint: &str,
    token: &str,
    query: &str,
    variables: &Value,
) -> Res<Value> {
    http.post(endpoint)
        .bearer_auth(token)
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .await
        .map_err(|err| format!("cannot reach {endpoint}: {err}"))?
        .json()
        .await
        .map_err(|err| format!("not a JSON answer: {err}"))
}
