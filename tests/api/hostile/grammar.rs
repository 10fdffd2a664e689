//! Documents built from the schema itself, so that most of them validate and reach resolvers:
//! a walk over the types of the committed SDL that takes its choices from a stream of random
//! numbers (drawn by proptest). Values are chosen to hurt — NUL bytes, cursors at the edge of
//! `i64`, non-canonical and foreign IDs, huge and negative numbers, long strings — and now and
//! then the walk breaks a rule on purpose (an unknown field, a wrong type, a spread of a
//! fragment that does not exist).

use std::collections::{BTreeSet, HashMap};

use async_graphql::parser::types::{BaseType, TypeKind, TypeSystemDefinition};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// A field or argument: its name, its type's name, whether it is a list, whether it is required.
#[derive(Debug, Clone)]
struct Slot {
    name: String,
    ty: String,
    list: bool,
    required: bool,
}

/// An output field and its arguments.
#[derive(Debug, Clone)]
struct Field {
    slot: Slot,
    arguments: Vec<Slot>,
}

/// What the walk needs of each named type.
#[derive(Debug, Clone)]
enum Shape {
    /// Object or interface: its fields, and the object types that can stand for it.
    Composite {
        fields: Vec<Field>,
        possible: Vec<String>,
    },
    /// Union: its members.
    Union(Vec<String>),
    /// Enum: its values.
    Enum(Vec<String>),
    /// Input object: its fields.
    Input(Vec<Slot>),
    /// A scalar.
    Scalar,
}

/// The committed schema, as the walk sees it.
pub struct Grammar {
    types: HashMap<String, Shape>,
}

fn slot(name: &str, ty: &async_graphql::parser::types::Type) -> Slot {
    let (base, list) = match &ty.base {
        BaseType::Named(name) => (name.to_string(), false),
        BaseType::List(inner) => match &inner.base {
            BaseType::Named(name) => (name.to_string(), true),
            BaseType::List(_) => ("String".to_owned(), true),
        },
    };
    Slot {
        name: name.to_owned(),
        ty: base,
        list,
        required: !ty.nullable,
    }
}

impl Grammar {
    /// Reads the committed `schema.graphql`.
    pub fn of_schema() -> Self {
        let sdl = include_str!("../../../schema.graphql");
        let document = async_graphql::parser::parse_schema(sdl).expect("the SDL parses");
        let mut types = HashMap::new();
        let mut implementors: HashMap<String, Vec<String>> = HashMap::new();
        for definition in &document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let name = definition.node.name.node.to_string();
            let fields_of = |fields: &[async_graphql::Positioned<
                async_graphql::parser::types::FieldDefinition,
            >]| {
                fields
                    .iter()
                    .map(|field| Field {
                        slot: slot(&field.node.name.node, &field.node.ty.node),
                        arguments: field
                            .node
                            .arguments
                            .iter()
                            .map(|arg| slot(&arg.node.name.node, &arg.node.ty.node))
                            .collect(),
                    })
                    .collect::<Vec<_>>()
            };
            let shape = match &definition.node.kind {
                TypeKind::Object(object) => {
                    for interface in &object.implements {
                        implementors
                            .entry(interface.node.to_string())
                            .or_default()
                            .push(name.clone());
                    }
                    Shape::Composite {
                        fields: fields_of(&object.fields),
                        possible: vec![name.clone()],
                    }
                }
                TypeKind::Interface(interface) => Shape::Composite {
                    fields: fields_of(&interface.fields),
                    possible: Vec::new(),
                },
                TypeKind::Union(union) => {
                    Shape::Union(union.members.iter().map(|m| m.node.to_string()).collect())
                }
                TypeKind::Enum(enumeration) => Shape::Enum(
                    enumeration
                        .values
                        .iter()
                        .map(|v| v.node.value.node.to_string())
                        .collect(),
                ),
                TypeKind::InputObject(input) => Shape::Input(
                    input
                        .fields
                        .iter()
                        .map(|f| slot(&f.node.name.node, &f.node.ty.node))
                        .collect(),
                ),
                TypeKind::Scalar => Shape::Scalar,
            };
            types.insert(name, shape);
        }
        for (interface, objects) in implementors {
            if let Some(Shape::Composite { possible, .. }) = types.get_mut(&interface) {
                *possible = objects;
            }
        }
        Self { types }
    }

    /// Builds a document from the choices in `entropy` (reused cyclically).
    pub fn document(&self, entropy: &[u32]) -> String {
        let mut walk = Walk {
            grammar: self,
            entropy,
            at: 0,
            fragments: Vec::new(),
            named: 0,
            variables: BTreeSet::new(),
        };
        let (keyword, root) = match walk.pick(10) {
            0 => ("mutation", "Mutation"),
            1 => ("subscription", "Subscription"),
            _ => ("query", "Query"),
        };
        let set = walk.selection_set(root, 0);
        let declared: Vec<String> = walk
            .variables
            .iter()
            .map(|name| {
                let ty = match *name {
                    "v" => "Boolean",
                    "first" => "Int",
                    "id" => "ID",
                    _ => "String",
                };
                format!("${name}: {ty}")
            })
            .collect();
        let variables = if declared.is_empty() {
            String::new()
        } else {
            format!("({})", declared.join(", "))
        };
        let mut document = format!("{keyword} Fuzz{variables} {set}");
        for fragment in std::mem::take(&mut walk.fragments) {
            document.push(' ');
            document.push_str(&fragment);
        }
        document
    }
}

struct Walk<'g> {
    grammar: &'g Grammar,
    entropy: &'g [u32],
    at: usize,
    fragments: Vec<String>,
    /// Fragments named so far.
    named: usize,
    /// Variables the document uses, declared on its operation.
    variables: BTreeSet<&'static str>,
}

/// Strings that hurt: empty, NUL bytes, control characters, long runs, other scripts, SQL.
const STRINGS: &[&str] = &[
    "",
    "\\u0000",
    "a\\u0000b",
    "\\u0001\\u001f",
    "%_\\\\",
    "'; DROP TABLE asn; --",
    "Dumai",
    "Puskesmas",
    "199207242019032004",
    "19920724201903200",
    "1992072420190320041",
    "99999999999999999x",
    "2026-11-28",
    "2026-02-30",
    "99:99",
    "08:00",
    "https://example.org/bukti",
    "javascript:alert(1)",
    "\u{1F600}\u{0301}\u{202E}",
];

impl Walk<'_> {
    fn pick(&mut self, n: usize) -> usize {
        if self.entropy.is_empty() || n == 0 {
            return 0;
        }
        let value = self.entropy[self.at % self.entropy.len()];
        self.at += 1;
        value as usize % n
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.pick(100) < percent
    }

    /// `$name`, declared on the operation.
    fn variable(&mut self, name: &'static str) -> String {
        self.variables.insert(name);
        format!("${name}")
    }

    fn selection_set(&mut self, ty: &str, depth: usize) -> String {
        let shape = self.grammar.types.get(ty).cloned();
        let mut items = Vec::new();
        match shape {
            Some(Shape::Composite { fields, possible }) => {
                let count = 1 + self.pick(3);
                for _ in 0..count {
                    if fields.is_empty() {
                        break;
                    }
                    let field = fields[self.pick(fields.len())].clone();
                    items.push(self.field(&field, depth));
                }
                if !possible.is_empty() && self.chance(15) {
                    let on = possible[self.pick(possible.len())].clone();
                    items.push(format!(
                        "... on {on} {}",
                        self.selection_set(&on, depth + 1)
                    ));
                }
                if self.chance(8) && self.named < 3 {
                    let name = format!("F{}", self.named);
                    self.named += 1;
                    let body = self.selection_set(ty, depth + 1);
                    self.fragments
                        .push(format!("fragment {name} on {ty} {body}"));
                    items.push(format!("...{name}"));
                }
            }
            Some(Shape::Union(members)) if !members.is_empty() => {
                items.push("__typename".to_owned());
                let on = members[self.pick(members.len())].clone();
                items.push(format!(
                    "... on {on} {}",
                    self.selection_set(&on, depth + 1)
                ));
            }
            _ => items.push("__typename".to_owned()),
        }
        // Now and then a rule is broken on purpose.
        match self.pick(150) {
            0 => items.push("noSuchField".to_owned()),
            1 => items.push("...Missing".to_owned()),
            2 => items.push("__typename @include(if: \"yes\")".to_owned()),
            3 | 4 => {
                let v = self.variable("v");
                items.push(format!("__typename @skip(if: {v})"));
            }
            _ => {}
        }
        format!("{{ {} }}", items.join(" "))
    }

    fn field(&mut self, field: &Field, depth: usize) -> String {
        // A field with arguments gets a response key of its own, so that two picks of it with
        // other arguments do not conflict.
        let alias = if !field.arguments.is_empty() || self.chance(10) {
            self.named += 1;
            format!("a{}: ", self.named)
        } else {
            String::new()
        };
        let mut arguments = Vec::new();
        for argument in &field.arguments {
            if argument.required || self.chance(40) {
                let value = self.value(argument, 0);
                arguments.push(format!("{}: {value}", argument.name));
            }
        }
        let arguments = if arguments.is_empty() {
            String::new()
        } else {
            format!("({})", arguments.join(", "))
        };
        let composite = matches!(
            self.grammar.types.get(&field.slot.ty),
            Some(Shape::Composite { .. } | Shape::Union(_))
        );
        let selection = if !composite {
            String::new()
        } else if depth >= 6 {
            " { __typename }".to_owned()
        } else {
            format!(" {}", self.selection_set(&field.slot.ty, depth + 1))
        };
        format!("{alias}{}{arguments}{selection}", field.slot.name)
    }

    fn value(&mut self, slot: &Slot, depth: usize) -> String {
        if !slot.required && self.chance(5) {
            return "null".to_owned();
        }
        if slot.list {
            let count = self.pick(4);
            let one = Slot {
                list: false,
                ..slot.clone()
            };
            let items: Vec<String> = (0..count).map(|_| self.value(&one, depth + 1)).collect();
            return format!("[{}]", items.join(", "));
        }
        let shape = self.grammar.types.get(&slot.ty).cloned();
        match (slot.ty.as_str(), shape) {
            (_, Some(Shape::Enum(values))) => match self.pick(12) {
                0 => "NOT_A_VALUE".to_owned(),
                1 => "\"BAIK\"".to_owned(),
                _ => values[self.pick(values.len())].clone(),
            },
            (_, Some(Shape::Input(fields))) if depth < 4 => {
                let mut pairs = Vec::new();
                for field in &fields {
                    if field.required || self.chance(30) {
                        pairs.push(format!("{}: {}", field.name, self.value(field, depth + 1)));
                    }
                }
                format!("{{{}}}", pairs.join(", "))
            }
            ("Int", _) if matches!(slot.name.as_str(), "first" | "last") => match self.pick(20) {
                0 => "-1".to_owned(),
                1 => "101".to_owned(),
                2 if !slot.required => self.variable("first"),
                _ => self.pick(30).to_string(),
            },
            ("Int", _) if slot.name.contains("year") => match self.pick(20) {
                0 => "-2147483648".to_owned(),
                1 => "1999".to_owned(),
                _ => (2024 + self.pick(4)).to_string(),
            },
            ("Int", _) if slot.name.contains("umber") => match self.pick(20) {
                0 => "0".to_owned(),
                1 => "13".to_owned(),
                _ => (1 + self.pick(4)).to_string(),
            },
            ("Int", _) => match self.pick(40) {
                0 => "-1".to_owned(),
                1 => "0".to_owned(),
                2 => "2147483647".to_owned(),
                3 => "-2147483648".to_owned(),
                4 => "101".to_owned(),
                5 if !slot.required => self.variable("first"),
                6 => "1.5".to_owned(),
                7..=20 => (2020 + self.pick(10)).to_string(),
                _ => self.pick(60).to_string(),
            },
            ("ID", _) => self.id(slot.required),
            ("Boolean", _) => match self.pick(10) {
                0 if !slot.required => self.variable("v"),
                1 => "1".to_owned(),
                n => (n % 2 == 0).to_string(),
            },
            ("String", _) if slot.name == "after" || slot.name == "before" => self.cursor(),
            (_, _) => {
                let text = STRINGS[self.pick(STRINGS.len())];
                if self.chance(3) {
                    format!("\"{}\"", "x".repeat(20_000))
                } else {
                    format!("\"{text}\"")
                }
            }
        }
    }

    /// A global ID: mostly real ones of the demo data, some forged.
    fn id(&mut self, required: bool) -> String {
        const TYPES: &[&str] = &[
            "Asn",
            "Unit",
            "Evaluation",
            "Appeal",
            "Activity",
            "Feedback",
            "PerformanceTarget",
            "SupervisionVisit",
            "Observation",
            "Nope",
        ];
        let ty = TYPES[self.pick(TYPES.len())];
        let raw = match self.pick(8) {
            0 => format!("{ty}:0{}", self.pick(40)),
            1 => format!("{ty}:9223372036854775807"),
            2 => format!("{ty}:-{}", self.pick(40)),
            3 => format!("{ty}:+{}", self.pick(40)),
            4 if !required => return self.variable("id"),
            5 => return format!("\"{}\"", STRINGS[self.pick(STRINGS.len())]),
            _ => format!("{ty}:{}", 1 + self.pick(60)),
        };
        let encoded = if self.chance(10) {
            STANDARD_NO_PAD.encode(&raw)
        } else {
            URL_SAFE_NO_PAD.encode(&raw)
        };
        format!("\"{encoded}\"")
    }

    /// A pagination cursor: real-looking, at the edge of `i64`, or junk.
    fn cursor(&mut self) -> String {
        let raw = match self.pick(7) {
            0 => "v1:9223372036854775807".to_owned(),
            1 => "v1:-1".to_owned(),
            2 => "v2:5".to_owned(),
            3 => return self.variable("after"),
            4 => return "\"not a cursor\"".to_owned(),
            _ => format!("v1:{}", self.pick(200)),
        };
        format!("\"{}\"", URL_SAFE_NO_PAD.encode(raw))
    }
}
