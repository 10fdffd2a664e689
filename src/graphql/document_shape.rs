//! The shape of a parsed document that the limits look at before validation: root fields per
//! operation and aliases. Both are cheap for a client to multiply and each alias runs its field
//! again, so they are bounded besides depth and complexity.

use std::collections::HashSet;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

/// What a document asks for, in the measures the limits bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentShape {
    /// Root fields of the largest operation, counting those reached through fragments.
    pub root_fields: usize,
    /// Aliased fields anywhere in the document (operations and fragment definitions).
    pub aliases: usize,
}

impl DocumentShape {
    /// Measures `document`.
    pub fn of(document: &ExecutableDocument) -> Self {
        let root_fields = document
            .operations
            .iter()
            .map(|(_, operation)| {
                root_fields(
                    document,
                    &operation.node.selection_set.node,
                    &mut HashSet::new(),
                )
            })
            .max()
            .unwrap_or(0);
        let aliases = document
            .operations
            .iter()
            .map(|(_, operation)| aliases(&operation.node.selection_set.node))
            .chain(
                document
                    .fragments
                    .values()
                    .map(|fragment| aliases(&fragment.node.selection_set.node)),
            )
            .sum();
        Self {
            root_fields,
            aliases,
        }
    }
}

fn root_fields(
    document: &ExecutableDocument,
    set: &SelectionSet,
    seen: &mut HashSet<String>,
) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(fragment) => {
                root_fields(document, &fragment.node.selection_set.node, seen)
            }
            Selection::FragmentSpread(spread) => {
                let name = &spread.node.fragment_name.node;
                if !seen.insert(name.to_string()) {
                    return 0;
                }
                document.fragments.get(name).map_or(0, |fragment| {
                    root_fields(document, &fragment.node.selection_set.node, seen)
                })
            }
        })
        .sum()
}

fn aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(field) => {
                usize::from(field.node.alias.is_some()) + aliases(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => aliases(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(query: &str) -> DocumentShape {
        DocumentShape::of(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn counts_root_fields_through_fragments_once() {
        assert_eq!(
            shape("{ a b ...F ...F ... on Query { c } } fragment F on Query { d e }").root_fields,
            5
        );
        assert_eq!(shape("query A { a } query B { a b c }").root_fields, 3);
    }

    #[test]
    fn counts_aliases_everywhere() {
        let s = shape("{ x: a { y: b c } ... on Q { z: d } ...F } fragment F on Q { w: e }");
        assert_eq!(s.aliases, 4);
        assert_eq!(shape("{ a b }").aliases, 0);
    }
}
