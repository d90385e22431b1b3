//! What each generated file is made from: the part of the model its emitter reads.
//!
//! Incremental generation (`crate::incremental`) hashes exactly this part for each file, and
//! the emitters of those files render from exactly this part ([`Part::to_api`]), so a file
//! cannot depend on anything its recorded hash does not cover: if an emitter reads something
//! [`part`] leaves out, it renders without it every time, and a full and an
//! incremental generation still agree byte for byte.

use std::collections::BTreeSet;

use crate::model::{Api, Endpoint, Enum, Group, Object, ObjectKind, ObjectName, Response, Type};

/// What a generated file depends on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Inputs {
    /// The whole model and the emit options: files that list or index everything
    /// (`service.rs`, `openapi.json`, `API.txt`, the `mod.rs` files, …).
    Model,
    /// The enums (`enums.rs`).
    Enums,
    /// The enums and every object but the requests (`types.rs`).
    Types,
    /// One endpoint group, by its key: see [`group_inputs`].
    Group(String),
}

/// The part of the model a file with these inputs is made from; `None` for
/// [`Inputs::Model`], which is all of it. Pure: it only reads `api`.
pub fn part<'a>(api: &'a Api, inputs: &Inputs) -> Option<Part<'a>> {
    positions(api, inputs).map(|p| p.part(api))
}

/// A part of the model, each list in model order; with the service section, which every
/// file reads. For a group ([`group_inputs`]): the group and the groups of the lookups its
/// `*_and_recover` methods call; its endpoints and those lookups; their request objects, the
/// objects they return and every object reachable from those through fields; and every
/// enum those objects and responses mention.
#[derive(Debug, Clone, Default)]
pub struct Part<'a> {
    /// Groups.
    pub groups: Vec<&'a Group>,
    /// Endpoints.
    pub endpoints: Vec<&'a Endpoint>,
    /// Objects.
    pub objects: Vec<&'a Object>,
    /// Enums.
    pub enums: Vec<&'a Enum>,
}

impl Part<'_> {
    /// A model holding only this part (and the service section): what the group's files
    /// are rendered from.
    pub fn to_api(&self, api: &Api) -> Api {
        Api::new(
            api.service.clone(),
            Vec::new(),
            self.groups.iter().map(|&g| g.clone()).collect(),
            self.enums.iter().map(|&e| e.clone()).collect(),
            self.objects.iter().map(|&o| o.clone()).collect(),
            self.endpoints.iter().map(|&e| e.clone()).collect(),
            None,
        )
    }
}

/// What the files of group `group_key` (`api/<group>.rs`, `requests/<group>.rs`,
/// `tests/endpoints/<group>.rs`) depend on: see [`Part`]; empty lists for an unknown key.
/// Pure: it only reads `api`.
pub fn group_inputs<'a>(api: &'a Api, group_key: &str) -> Part<'a> {
    group_positions(api, group_key).part(api)
}

/// A [`Part`] as positions in the model's lists, each list ascending (model order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Positions {
    /// In [`Api::groups`].
    pub groups: Vec<usize>,
    /// In [`Api::endpoints`].
    pub endpoints: Vec<usize>,
    /// In [`Api::objects`].
    pub objects: Vec<usize>,
    /// In [`Api::enums`].
    pub enums: Vec<usize>,
}

impl Positions {
    /// The items at these positions.
    pub fn part<'a>(&self, api: &'a Api) -> Part<'a> {
        Part {
            groups: self.groups.iter().map(|&i| &api.groups[i]).collect(),
            endpoints: self.endpoints.iter().map(|&i| &api.endpoints[i]).collect(),
            objects: self.objects.iter().map(|&i| &api.objects[i]).collect(),
            enums: self.enums.iter().map(|&i| &api.enums[i]).collect(),
        }
    }
}

/// The positions of what the inputs name (as [`part`]); `None` for [`Inputs::Model`].
/// Pure: it only reads `api`.
pub fn positions(api: &Api, inputs: &Inputs) -> Option<Positions> {
    match inputs {
        Inputs::Model => None,
        Inputs::Enums => Some(Positions {
            enums: (0..api.enums.len()).collect(),
            ..Positions::default()
        }),
        Inputs::Types => Some(Positions {
            enums: (0..api.enums.len()).collect(),
            objects: (0..api.objects.len())
                .filter(|&i| api.objects[i].kind != ObjectKind::Request)
                .collect(),
            ..Positions::default()
        }),
        Inputs::Group(key) => Some(group_positions(api, key)),
    }
}

/// [`group_inputs`] as positions.
pub fn group_positions(api: &Api, group_key: &str) -> Positions {
    let mut endpoints = BTreeSet::new();
    for (i, e) in api.endpoints.iter().enumerate() {
        if e.group_key != group_key {
            continue;
        }
        endpoints.insert(i);
        if let Some(p) = e
            .recover
            .as_ref()
            .and_then(|r| api.endpoint_position(&r.lookup))
        {
            endpoints.insert(p);
        }
    }
    let mut reach = Reach {
        api,
        objects: BTreeSet::new(),
        enums: BTreeSet::new(),
    };
    for &i in &endpoints {
        let e = &api.endpoints[i];
        reach.object(&ObjectName::Request(e.spec_name.clone()));
        match &e.response {
            Response::Object(key)
            | Response::Array(key)
            | Response::Page(key)
            | Response::CursorPage(key) => reach.object(&ObjectName::Declared(key.clone())),
            Response::Value(t) => reach.ty(t),
            Response::Empty => {}
        }
    }
    let group_keys: BTreeSet<&str> = endpoints
        .iter()
        .map(|&i| api.endpoints[i].group_key.as_str())
        .chain([group_key])
        .collect();
    Positions {
        groups: (0..api.groups.len())
            .filter(|&i| group_keys.contains(api.groups[i].spec_key.as_str()))
            .collect(),
        endpoints: endpoints.into_iter().collect(),
        objects: reach.objects.into_iter().collect(),
        enums: reach.enums.into_iter().collect(),
    }
}

/// The objects and enums reached so far, by position in the model.
struct Reach<'a> {
    api: &'a Api,
    objects: BTreeSet<usize>,
    enums: BTreeSet<usize>,
}

impl Reach<'_> {
    fn object(&mut self, name: &ObjectName) {
        let Some(p) = self.api.object_position(name) else {
            return;
        };
        if !self.objects.insert(p) {
            return;
        }
        let api = self.api;
        for f in &api.objects[p].fields {
            self.ty(&f.ty);
        }
    }

    fn ty(&mut self, t: &Type) {
        match t {
            Type::Enum(name) => {
                if let Some(p) = self.api.enum_position(name) {
                    self.enums.insert(p);
                }
            }
            Type::Object(name) => self.object(name),
            Type::Array(inner) | Type::Map(inner) => self.ty(inner),
            Type::Long
            | Type::Int
            | Type::String
            | Type::Bool
            | Type::Money(_)
            | Type::Decimal(_)
            | Type::DateTime(_)
            | Type::Date => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mini_fixture::mini;

    fn endpoint_names(inputs: &Part<'_>) -> Vec<String> {
        inputs
            .endpoints
            .iter()
            .map(|e| e.spec_name.clone())
            .collect()
    }

    fn object_names(inputs: &Part<'_>) -> Vec<String> {
        inputs
            .objects
            .iter()
            .map(|o| crate::naming::object_type_name(&o.name))
            .collect()
    }

    #[test]
    fn a_group_depends_on_its_endpoints_their_requests_and_what_they_return() {
        let api = mini(str::to_owned);
        let wallet = group_inputs(&api, "wallet");
        assert_eq!(
            endpoint_names(&wallet),
            ["get_wallet_detail", "list_wallets", "list_fee_modes"]
        );
        let objects = object_names(&wallet);
        for name in [
            "GetWalletDetailRequest",
            "ListWalletsRequest",
            "ListFeeModesRequest",
            "Wallet",
            "Card",
        ] {
            assert!(objects.contains(&name.to_owned()), "{name} in {objects:?}");
        }
        assert!(!objects.contains(&"OpenCardRequest".to_owned()));
        let enums: Vec<&str> = wallet.enums.iter().map(|e| e.name.as_str()).collect();
        assert!(enums.contains(&"WalletStatus"), "{enums:?}");
        assert_eq!(wallet.groups.len(), 1);
        assert_eq!(wallet.groups[0].spec_key, "wallet");
    }

    #[test]
    fn a_recover_lookup_in_another_group_is_a_dependency() {
        // Move the lookup of `open_card` into the wallet group.
        let api = mini(|t| {
            t.replace(
                "  get_card_detail:\n    group: card",
                "  get_card_detail:\n    group: wallet",
            )
        });
        let card = group_inputs(&api, "card");
        // Model order: the endpoints are sorted by group, and wallet comes first.
        assert_eq!(
            endpoint_names(&card),
            ["get_card_detail", "open_card", "delete_card"]
        );
        let keys: Vec<&str> = card.groups.iter().map(|g| g.spec_key.as_str()).collect();
        assert_eq!(keys, ["wallet", "card"]);
        assert!(object_names(&card).contains(&"GetCardDetailRequest".to_owned()));
        // The wallet group does not depend on the card group's `open_card`.
        assert!(!endpoint_names(&group_inputs(&api, "wallet")).contains(&"open_card".to_owned()));
    }

    #[test]
    fn enums_and_types_depend_on_no_endpoint() {
        let api = mini(str::to_owned);
        assert!(part(&api, &Inputs::Model).is_none());
        let enums = part(&api, &Inputs::Enums).expect("a part");
        assert_eq!(enums.enums.len(), api.enums.len());
        assert!(enums.objects.is_empty() && enums.endpoints.is_empty());
        let types = part(&api, &Inputs::Types).expect("a part");
        assert!(types.endpoints.is_empty());
        assert!(types.objects.iter().all(|o| o.kind != ObjectKind::Request));
        assert!(object_names(&types).contains(&"Card".to_owned()));
    }

    #[test]
    fn an_unknown_group_depends_on_nothing_and_the_slice_is_a_model() {
        let api = mini(str::to_owned);
        let none = group_inputs(&api, "nope");
        assert!(none.endpoints.is_empty() && none.objects.is_empty() && none.groups.is_empty());
        let card = group_inputs(&api, "card");
        let slice = card.to_api(&api);
        assert_eq!(slice.endpoints.len(), card.endpoints.len());
        assert!(slice.endpoint("open_card").is_some());
        assert!(slice.endpoint("get_wallet_detail").is_none());
        assert!(slice.request_object(&api.endpoints[0]).is_none());
    }
}
