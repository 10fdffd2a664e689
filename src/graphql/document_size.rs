//! How big a document is once its fragments are expanded, measured in time linear in its text.
//!
//! A fragment spread twice per level doubles the work of every later pass (async-graphql's
//! recursion check, validation rules, complexity and depth, execution): thirty levels of
//! `...F ...F` are a 1.2 KB document that expands to a billion fields. [`DocumentSize`]
//! counts each fragment once and reuses the count at every spread (a memo over the DAG of
//! fragments, saturating), so the expanded size of any document is known before anything
//! walks the expansion. [`text_nesting`] bounds how deeply the text nests before the parser,
//! whose recursion follows it, ever sees it.

use std::collections::{HashMap, HashSet};

use async_graphql::Positioned;
use async_graphql::parser::types::{
    Directive, ExecutableDocument, Selection, SelectionSet, VariableDefinition,
};
use async_graphql_value::{ConstValue, Value};

/// Brackets (`{`, `[`, `(`) a document's text may nest before it is refused unparsed. The
/// parser recurses once per level of a list or object value, so an unbounded nesting
/// overflows the stack; legitimate documents stay far below (selection sets past 64 levels
/// are refused by the parser itself).
pub const MAX_TEXT_NESTING: usize = 128;

/// Whether `text` may be given to the parser: a caller that parses a client's document
/// before the schema's guard does (to route it, to store it) must check this first, since
/// the parser's recursion overflows the stack on deeply nested values. A document that fails
/// it is left to the executor, whose guard refuses it with `QUERY_TOO_COMPLEX`.
pub fn parses_safely(text: &str) -> bool {
    text_nesting(text) <= MAX_TEXT_NESTING
}

/// The deepest nesting of brackets in `text`, outside strings and comments. One pass, no
/// allocation; the text need not be valid GraphQL.
pub fn text_nesting(text: &str) -> usize {
    let bytes = text.as_bytes();
    let (mut depth, mut deepest, mut i) = (0usize, 0usize, 0usize);
    while let Some(&byte) = bytes.get(i) {
        match byte {
            b'#' => {
                while bytes.get(i).is_some_and(|b| *b != b'\n' && *b != b'\r') {
                    i += 1;
                }
            }
            b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                i += 3;
                while i < bytes.len() && !bytes[i..].starts_with(b"\"\"\"") {
                    i += if bytes[i..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                i += 2;
            }
            b'"' => {
                i += 1;
                while let Some(&b) = bytes.get(i) {
                    match b {
                        b'\\' => i += 1,
                        b'"' | b'\n' | b'\r' => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'{' | b'[' | b'(' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    deepest
}

/// The measures of a parsed document that bound the work of every later pass.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DocumentSize {
    /// Selections (fields, fragment spreads and inline fragments) after expanding every
    /// fragment spread, in all operations, plus those of fragment definitions no operation
    /// uses (saturating at `usize::MAX`). A spread counts itself besides what it expands to, so
    /// spreads of fragments that select nothing measurable still add up.
    pub fields: usize,
    /// The deepest nesting of selection sets, a fragment spread counting as one level, the way
    /// the executor recurses; over operations and every fragment definition.
    pub nesting: usize,
    /// The most variables one operation declares.
    pub variables: usize,
    /// Directives written anywhere in the document.
    pub directives: usize,
    /// A fragment that spreads itself, directly or through others.
    pub cycle: Option<String>,
    /// A spread of a fragment the document does not define.
    pub unknown_fragment: Option<String>,
    /// Whether a string value written in the document holds a NUL character.
    pub nul_in_text: bool,
}

/// What one definition (operation or fragment) holds by itself, before expansion.
#[derive(Default)]
struct Own<'a> {
    fields: usize,
    /// Deepest selection set below the definition's own.
    nesting: usize,
    /// Fragment spreads with the depth of the selection set they stand in.
    spreads: Vec<(&'a str, usize)>,
    directives: usize,
    nul: bool,
}

impl<'a> Own<'a> {
    fn of(set: &'a SelectionSet, directives: &'a [Positioned<Directive>]) -> Self {
        let mut own = Own::default();
        own.directives(directives);
        own.set(set, 0);
        own
    }

    fn set(&mut self, set: &'a SelectionSet, depth: usize) {
        self.nesting = self.nesting.max(depth);
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    self.fields += 1;
                    for (_, value) in &field.node.arguments {
                        self.nul |= holds_nul(&value.node);
                    }
                    self.directives(&field.node.directives);
                    if !field.node.selection_set.node.items.is_empty() {
                        self.set(&field.node.selection_set.node, depth + 1);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    self.fields += 1;
                    self.directives(&spread.node.directives);
                    self.spreads
                        .push((spread.node.fragment_name.node.as_str(), depth));
                }
                Selection::InlineFragment(inline) => {
                    self.fields += 1;
                    self.directives(&inline.node.directives);
                    self.set(&inline.node.selection_set.node, depth + 1);
                }
            }
        }
    }

    fn directives(&mut self, directives: &'a [Positioned<Directive>]) {
        self.directives += directives.len();
        for directive in directives {
            for (_, value) in &directive.node.arguments {
                self.nul |= holds_nul(&value.node);
            }
        }
    }

    fn variables(&mut self, definitions: &'a [Positioned<VariableDefinition>]) {
        for definition in definitions {
            self.directives(&definition.node.directives);
            if let Some(default) = &definition.node.default_value {
                self.nul |= const_holds_nul(&default.node);
            }
        }
    }
}

/// Expanded fields and nesting of a fragment, once known.
#[derive(Clone, Copy)]
enum State {
    /// On the stack of the walk: a spread of it now closes a cycle.
    Open,
    Done {
        fields: usize,
        nesting: usize,
    },
}

impl DocumentSize {
    /// Measures `document` in time linear in its size (each definition is walked once, each
    /// spread looked up once; nothing recurses along chains of fragments).
    pub fn of(document: &ExecutableDocument) -> Self {
        let fragments: HashMap<&str, Own<'_>> = document
            .fragments
            .iter()
            .map(|(name, fragment)| {
                (
                    name.as_str(),
                    Own::of(&fragment.node.selection_set.node, &fragment.node.directives),
                )
            })
            .collect();
        let mut size = DocumentSize {
            directives: fragments.values().map(|own| own.directives).sum(),
            nul_in_text: fragments.values().any(|own| own.nul),
            ..DocumentSize::default()
        };
        size.unknown_fragment = fragments
            .values()
            .flat_map(|own| &own.spreads)
            .map(|(name, _)| *name)
            .find(|name| !fragments.contains_key(name))
            .map(str::to_owned);
        let mut states: HashMap<&str, State> = HashMap::with_capacity(fragments.len());
        let mut used: HashSet<&str> = HashSet::new();
        for (_, operation) in document.operations.iter() {
            let operation = &operation.node;
            let mut own = Own::of(&operation.selection_set.node, &operation.directives);
            own.variables(&operation.variable_definitions);
            size.variables = size.variables.max(operation.variable_definitions.len());
            size.directives += own.directives;
            size.nul_in_text |= own.nul;
            if size.unknown_fragment.is_none() {
                size.unknown_fragment = own
                    .spreads
                    .iter()
                    .map(|(name, _)| *name)
                    .find(|name| !fragments.contains_key(name))
                    .map(str::to_owned);
            }
            for (name, _) in &own.spreads {
                expand(name, &fragments, &mut states, &mut size.cycle);
            }
            let (fields, nesting) = combine(&own, &states);
            size.fields = size.fields.saturating_add(fields);
            size.nesting = size.nesting.max(nesting);
            mark_used(&own, &fragments, &mut used);
        }
        for (name, own) in &fragments {
            expand(name, &fragments, &mut states, &mut size.cycle);
            let (fields, nesting) = combine(own, &states);
            size.nesting = size.nesting.max(nesting);
            if !used.contains(name) {
                size.fields = size.fields.saturating_add(fields);
            }
        }
        size
    }
}

/// The expanded fields and nesting of a definition whose spreads are all expanded.
fn combine(own: &Own<'_>, states: &HashMap<&str, State>) -> (usize, usize) {
    let (mut fields, mut nesting) = (own.fields, own.nesting);
    for (name, depth) in &own.spreads {
        if let Some(State::Done {
            fields: more,
            nesting: below,
        }) = states.get(name)
        {
            fields = fields.saturating_add(*more);
            nesting = nesting.max(depth + 1 + below);
        }
    }
    (fields, nesting)
}

/// Expands fragment `name` and every fragment it spreads, depth first with an explicit stack;
/// records the first cycle met (its spreads count nothing: validation refuses cycles).
fn expand<'a>(
    name: &'a str,
    fragments: &HashMap<&'a str, Own<'a>>,
    states: &mut HashMap<&'a str, State>,
    cycle: &mut Option<String>,
) {
    if states.contains_key(name) || !fragments.contains_key(name) {
        return;
    }
    states.insert(name, State::Open);
    let mut stack: Vec<(&'a str, usize)> = vec![(name, 0)];
    while let Some(&(current, next)) = stack.last() {
        let Some(own) = fragments.get(current) else {
            stack.pop();
            continue;
        };
        if let Some((target, _)) = own.spreads.get(next) {
            if let Some(top) = stack.last_mut() {
                top.1 += 1;
            }
            match states.get(target) {
                None if fragments.contains_key(target) => {
                    states.insert(target, State::Open);
                    stack.push((target, 0));
                }
                Some(State::Open) => {
                    cycle.get_or_insert_with(|| (*target).to_owned());
                }
                _ => {}
            }
        } else {
            let (fields, nesting) = combine(own, states);
            states.insert(current, State::Done { fields, nesting });
            stack.pop();
        }
    }
}

/// Adds the fragments `own` reaches to `used`.
fn mark_used<'a>(
    own: &Own<'a>,
    fragments: &HashMap<&'a str, Own<'a>>,
    used: &mut HashSet<&'a str>,
) {
    let mut pending: Vec<&str> = own.spreads.iter().map(|(name, _)| *name).collect();
    while let Some(name) = pending.pop() {
        if let Some((name, fragment)) = fragments.get_key_value(name)
            && used.insert(name)
        {
            pending.extend(fragment.spreads.iter().map(|(name, _)| *name));
        }
    }
}

/// Whether a string anywhere in a written `value` (keys included) holds a NUL character.
fn holds_nul(value: &Value) -> bool {
    match value {
        Value::String(text) => text.contains('\0'),
        Value::List(items) => items.iter().any(holds_nul),
        Value::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || holds_nul(value)),
        _ => false,
    }
}

/// Whether a string anywhere in `value` (keys included) holds a NUL character: for variables
/// and default values.
pub fn const_holds_nul(value: &ConstValue) -> bool {
    match value {
        ConstValue::String(text) => text.contains('\0'),
        ConstValue::List(items) => items.iter().any(const_holds_nul),
        ConstValue::Object(fields) => fields
            .iter()
            .any(|(key, value)| key.contains('\0') || const_holds_nul(value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(query: &str) -> DocumentSize {
        DocumentSize::of(&async_graphql::parser::parse_query(query).unwrap())
    }

    /// `{ ...F0 }` with fragments F0 … Fn, each spreading the next twice.
    fn bomb(levels: usize) -> String {
        let mut query = "{ ...F0 }".to_owned();
        for level in 0..levels {
            query.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
                next = level + 1
            ));
        }
        query.push_str(&format!(" fragment F{levels} on Query {{ __typename }}"));
        query
    }

    #[test]
    fn counts_fields_after_expansion() {
        assert_eq!(size("{ a b { c d { e } } }").fields, 5);
        // A field, three spreads and an inline fragment, and F's three fields three times.
        assert_eq!(
            size("{ a ...F ...F ... on Q { ...F } } fragment F on Q { b c { d } }").fields,
            5 + 3 * 3
        );
        assert_eq!(size("query A { a } query B { b c }").fields, 3);
        // Each level's two spreads and twice the level below: 3·2ⁿ − 1 in all.
        assert_eq!(size(&bomb(3)).fields, 3 * 8 - 1);
        assert_eq!(size(&bomb(30)).fields, 3 * (1 << 30) - 1);
        assert_eq!(size(&bomb(70)).fields, usize::MAX);
    }

    #[test]
    fn spreads_count_even_when_they_expand_to_nothing() {
        // The last level spreads a fragment that does not exist: the spreads alone double.
        let mut query = "{ ...F0 }".to_owned();
        for level in 0..30 {
            query.push_str(&format!(
                " fragment F{level} on Query {{ ...F{next} ...F{next} }}",
                next = level + 1
            ));
        }
        query.push_str(" fragment F30 on Query { ...Nope ...Nope }");
        let s = size(&query);
        assert_eq!(s.unknown_fragment.as_deref(), Some("Nope"));
        assert!(s.fields > 1 << 30, "{}", s.fields);
        assert_eq!(
            size("{ ...Missing }").unknown_fragment.as_deref(),
            Some("Missing")
        );
        assert_eq!(size(&bomb(3)).unknown_fragment, None);
    }

    #[test]
    fn counts_unused_fragments_once() {
        // U's two spreads and F twice; F itself once more, as no operation uses it.
        let s = size("{ a } fragment U on Q { ...F ...F } fragment F on Q { b c }");
        assert_eq!(s.fields, 1 + (2 + 2 * 2) + 2);
    }

    #[test]
    fn nesting_counts_levels_like_the_executor() {
        assert_eq!(size("{ a }").nesting, 0);
        assert_eq!(size("{ a { b { c } } }").nesting, 2);
        assert_eq!(size("{ a { ... on T { b } } }").nesting, 2);
        assert_eq!(
            size("{ a { ...F } } fragment F on T { b { ...G } } fragment G on T { c { d } }")
                .nesting,
            5
        );
        // A long chain of fragments nobody uses nests as deep as its length.
        let mut chain = "{ a }".to_owned();
        for i in 0..5_000 {
            chain.push_str(&format!(" fragment F{i} on Q {{ ...F{} }}", i + 1));
        }
        chain.push_str(" fragment F5000 on Q { b }");
        assert_eq!(size(&chain).nesting, 5_000);
    }

    #[test]
    fn finds_cycles_without_looping() {
        let s = size("{ ...A } fragment A on Q { x ...B } fragment B on Q { ...A }");
        assert!(s.cycle.is_some());
        assert_eq!(
            size("{ ...A } fragment A on Q { ...A }").cycle.as_deref(),
            Some("A")
        );
        assert!(size(&bomb(10)).cycle.is_none());
    }

    #[test]
    fn counts_variables_and_directives() {
        let s = size(
            "query A($a: Int, $b: Int) @x { f @include(if: $a) ...F @skip(if: true) }
             query B($c: Int) { ... @y { g } } fragment F on Q @z { h }",
        );
        assert_eq!(s.variables, 2);
        assert_eq!(s.directives, 5);
    }

    #[test]
    fn finds_nul_in_written_strings() {
        assert!(!size(r#"{ a(x: "ok", y: ["fine"]) }"#).nul_in_text);
        assert!(size(r#"{ a(x: "\u0000") }"#).nul_in_text);
        assert!(size(r#"{ a(x: { y: ["z\u0000"] }) }"#).nul_in_text);
        assert!(size(r#"query ($v: String = "\u0000") { a(x: $v) }"#).nul_in_text);
        assert!(size(r#"{ a @d(x: "\u0000") }"#).nul_in_text);
        assert!(size(r#"{ ...F } fragment F on Q { a(x: "\u0000") }"#).nul_in_text);
    }

    #[test]
    fn text_nesting_skips_strings_and_comments() {
        assert_eq!(text_nesting("{ a { b(x: [[1]]) } }"), 5);
        assert_eq!(text_nesting(r#"{ a(x: "{{{[[[") }"#), 2);
        assert_eq!(text_nesting(r#"{ a(x: "\"{{{") }"#), 2);
        assert_eq!(text_nesting("{ a(x: \"\"\" {{{ \\\"\"\" {{{ \"\"\") }"), 2);
        assert_eq!(text_nesting("{ a # {{{{\n b }"), 1);
        assert_eq!(text_nesting("}}}] {"), 1);
        assert_eq!(text_nesting(&"[".repeat(100_000)), 100_000);
        assert_eq!(text_nesting("{ a(x: \"unterminated"), 2);
        assert!(parses_safely(&format!(
            "{{ a(x: {}1{}) }}",
            "[".repeat(100),
            "]".repeat(100)
        )));
        assert!(!parses_safely(&format!("{{ a(x: {}", "[".repeat(5_000))));
    }
}
