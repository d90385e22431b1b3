//! Which endpoint a request path names: `/{version}/openApi/wallet/getWalletDetail` with the
//! spec's default version in place of `{version}`.

use std::collections::HashMap;

use apigen::model::Api;

/// Path -> endpoint position in [`Api::endpoints`], built once at start-up.
#[derive(Debug)]
pub struct Routes {
    by_path: HashMap<String, usize>,
}

impl Routes {
    /// Every endpoint of `api` at its full path, `{version}` filled with `version`.
    pub fn new(api: &Api, version: &str) -> Self {
        let by_path = api
            .endpoints
            .iter()
            .enumerate()
            .map(|(i, e)| (e.full_path.replace("{version}", version), i))
            .collect();
        Routes { by_path }
    }

    /// The endpoint served at `path`, if any.
    pub fn find(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    /// How many paths are served.
    pub fn len(&self) -> usize {
        self.by_path.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
service:
  title: t
  title_en: T
  base_url: https://t.example.test
  path_prefix: "/{version}/openApi"
  version: { default: v1, source: documented }
  auth: {}
  envelope: { code: code, message: message, data: data, success: 0, source: documented }
  source: documented
groups:
  g: { zh: g, en: G, order: 1 }
endpoints:
  ping:
    group: g
    zh: p
    en: Ping
    path: /g/ping
    source: documented
    retry: safe
    request: {}
    response: empty
"#;

    #[test]
    fn finds_an_endpoint_at_its_path_with_the_version_filled_in() {
        let api = apigen::load_api_from(vec![("t.yaml".into(), SPEC.into())]).unwrap();
        let routes = Routes::new(&api, "v1");
        assert_eq!(routes.find("/v1/openApi/g/ping"), Some(0));
        assert_eq!(routes.find("/v2/openApi/g/ping"), None);
        assert_eq!(routes.find("/v1/openApi/g/pong"), None);
        assert_eq!(routes.len(), 1);
    }
}
