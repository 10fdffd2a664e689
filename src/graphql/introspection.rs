//! Introspection obeys the limits of any query.
//!
//! async-graphql counts each introspection field as 1 in a query's complexity, whatever the
//! size of the list it returns, so 50 aliased `__schema { types { fields { … } } }` cost 50
//! times a few fields and answer megabytes. Here an introspection list costs like any list:
//! `1 + items × selection`, with `items` the list's real average size in this schema (its
//! number of types, the fields per type, the arguments per field, …), so a whole schema costs
//! about as much as the answer it produces. The difference to async-graphql's count is added
//! to the query's complexity.
//!
//! Callers without a token may only send the introspection a client actually sends: one
//! `__schema` or `__type` root field, introspection lists (`fields`, `inputFields`,
//! `interfaces`, `possibleTypes`) nested less than three deep (graphql-js'
//! `MaxIntrospectionDepthRule`), and a bounded chain of `ofType`.

use std::collections::HashSet;

use async_graphql::parser::types::{
    ExecutableDocument, OperationType, Selection, SelectionSet, TypeKind, TypeSystemDefinition,
};

use crate::error::AppError;

/// Introspection root fields a caller without a token may select.
pub const ANONYMOUS_ROOTS: usize = 1;
/// How deeply introspection lists that repeat a type's members may nest for a caller
/// without a token (graphql-js refuses three).
pub const ANONYMOUS_LIST_NESTING: usize = 2;

/// Types, fields and the like the schema holds that its SDL does not print: the built-in
/// scalars (`String`, `Int`, `Float`, `Boolean`, `ID`), the eight introspection types and
/// their members, and the built-in directives the SDL leaves out (a test compares the totals
/// with what introspection lists).
mod builtin {
    pub const TYPES: usize = 13;
    pub const FIELDS: usize = 38;
    pub const FIELD_ARGS: usize = 5;
    pub const ENUM_VALUES: usize = 27;
    pub const DIRECTIVES: usize = 2;
    pub const DIRECTIVE_ARGS: usize = 1;
}

/// How many items each introspection list of this schema holds, on average.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntrospectionSizes {
    /// `__Schema.types`.
    pub types: usize,
    /// `__Schema.directives`.
    pub directives: usize,
    /// `__Type.fields` per type.
    pub fields: usize,
    /// `__Type.inputFields` per type.
    pub input_fields: usize,
    /// `__Type.enumValues` per type.
    pub enum_values: usize,
    /// `__Type.interfaces` per type.
    pub interfaces: usize,
    /// `__Type.possibleTypes` per type.
    pub possible_types: usize,
    /// `__Field.args` per field.
    pub field_args: usize,
    /// `__Directive.args` per directive.
    pub directive_args: usize,
}

impl Default for IntrospectionSizes {
    /// Sizes for a schema of a few hundred types; [`IntrospectionSizes::of_sdl`] measures the
    /// real one.
    fn default() -> Self {
        Self {
            types: 200,
            directives: 5,
            fields: 10,
            input_fields: 2,
            enum_values: 2,
            interfaces: 1,
            possible_types: 1,
            field_args: 1,
            directive_args: 1,
        }
    }
}

/// Totals of a schema's introspection lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntrospectionTotals {
    /// Types.
    pub types: usize,
    /// Fields of object and interface types.
    pub fields: usize,
    /// Arguments of those fields.
    pub field_args: usize,
    /// Fields of input object types.
    pub input_fields: usize,
    /// Values of enum types.
    pub enum_values: usize,
    /// Interfaces implemented, summed over types.
    pub interfaces: usize,
    /// Possible types of interfaces and unions, summed.
    pub possible_types: usize,
    /// Directives.
    pub directives: usize,
    /// Arguments of directives.
    pub directive_args: usize,
}

impl IntrospectionTotals {
    /// Counts what `sdl` (as async-graphql prints it) defines, built-ins included.
    pub fn of_sdl(sdl: &str) -> Self {
        let mut totals = Self {
            types: builtin::TYPES,
            fields: builtin::FIELDS,
            field_args: builtin::FIELD_ARGS,
            enum_values: builtin::ENUM_VALUES,
            directives: builtin::DIRECTIVES,
            directive_args: builtin::DIRECTIVE_ARGS,
            ..Self::default()
        };
        let document = match async_graphql::parser::parse_schema(sdl) {
            Ok(document) => document,
            Err(err) => {
                // Never expected (the SDL is the schema's own); the built-in counts still
                // bound introspection, and the test of these sizes fails loudly.
                tracing::error!(error = %err, "the schema's SDL does not parse; introspection costs only the built-in types");
                return totals;
            }
        };
        for definition in &document.definitions {
            match definition {
                TypeSystemDefinition::Type(ty) => {
                    totals.types += 1;
                    match &ty.node.kind {
                        TypeKind::Object(object) => {
                            totals.fields += object.fields.len();
                            totals.field_args += object
                                .fields
                                .iter()
                                .map(|f| f.node.arguments.len())
                                .sum::<usize>();
                            // Each interface an object implements lists the object.
                            totals.interfaces += object.implements.len();
                            totals.possible_types += object.implements.len();
                        }
                        TypeKind::Interface(interface) => {
                            totals.fields += interface.fields.len();
                            totals.field_args += interface
                                .fields
                                .iter()
                                .map(|f| f.node.arguments.len())
                                .sum::<usize>();
                            totals.interfaces += interface.implements.len();
                        }
                        TypeKind::Union(union) => totals.possible_types += union.members.len(),
                        TypeKind::Enum(enumeration) => {
                            totals.enum_values += enumeration.values.len();
                        }
                        TypeKind::InputObject(input) => totals.input_fields += input.fields.len(),
                        TypeKind::Scalar => {}
                    }
                }
                TypeSystemDefinition::Directive(directive) => {
                    totals.directives += 1;
                    totals.directive_args += directive.node.arguments.len();
                }
                TypeSystemDefinition::Schema(_) => {}
            }
        }
        totals
    }
}

impl IntrospectionSizes {
    /// The average list sizes of the schema that prints as `sdl`.
    pub fn of_sdl(sdl: &str) -> Self {
        Self::from_totals(IntrospectionTotals::of_sdl(sdl))
    }

    /// Average list sizes from totals, rounded up (at least one item).
    pub fn from_totals(totals: IntrospectionTotals) -> Self {
        let per = |total: usize, of: usize| total.div_ceil(of.max(1)).max(1);
        Self {
            types: totals.types.max(1),
            directives: totals.directives.max(1),
            fields: per(totals.fields, totals.types),
            input_fields: per(totals.input_fields, totals.types),
            enum_values: per(totals.enum_values, totals.types),
            interfaces: per(totals.interfaces, totals.types),
            possible_types: per(totals.possible_types, totals.types),
            field_args: per(totals.field_args, totals.fields),
            directive_args: per(totals.directive_args, totals.directives),
        }
    }
}

/// The introspection types whose fields this module follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Meta {
    Schema,
    Type,
    Field,
    InputValue,
    EnumValue,
    Directive,
}

/// What the introspection part of a document asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IntrospectionCost {
    /// Its complexity with lists costing their size.
    pub weighted: usize,
    /// Its complexity as async-graphql counts it (each field 1 plus its selection).
    pub plain: usize,
    /// `__schema` and `__type` root fields, after fragment expansion.
    pub roots: usize,
    /// The deepest nesting of `fields`, `inputFields`, `interfaces` and `possibleTypes`.
    pub list_nesting: usize,
    /// The longest chain of `ofType`.
    pub of_type_depth: usize,
}

impl IntrospectionCost {
    /// What the complexity of `document` lacks for its introspection lists.
    pub fn extra(&self) -> usize {
        self.weighted.saturating_sub(self.plain)
    }

    /// Measures the query operations of `document`, all of them (the hook that calls this does
    /// not know which one the request names, so a document of several costs their sum: an
    /// over-estimate, never an under-estimate). Walks the expansion of fragments, so the
    /// document's expanded size must already be bounded.
    pub fn of(document: &ExecutableDocument, sizes: &IntrospectionSizes) -> Self {
        let mut walk = Walk {
            document,
            sizes,
            cost: Self::default(),
        };
        for (_, operation) in document.operations.iter() {
            if operation.node.ty == OperationType::Query {
                walk.root(&operation.node.selection_set.node, &mut HashSet::new());
            }
        }
        walk.cost
    }

    /// Refuses what a caller without a token may not run.
    pub fn check_anonymous(&self, max_of_type_depth: usize) -> Result<(), AppError> {
        let limits = [
            ("anonymous introspection roots", ANONYMOUS_ROOTS, self.roots),
            (
                "anonymous introspection list nesting",
                ANONYMOUS_LIST_NESTING,
                self.list_nesting,
            ),
            (
                "anonymous ofType depth",
                max_of_type_depth,
                self.of_type_depth,
            ),
        ];
        match limits.into_iter().find(|(_, limit, actual)| actual > limit) {
            Some((measure, limit, actual)) => Err(AppError::too_complex(measure, limit, actual)),
            None => Ok(()),
        }
    }
}

struct Walk<'a> {
    document: &'a ExecutableDocument,
    sizes: &'a IntrospectionSizes,
    cost: IntrospectionCost,
}

/// How deep the walk is into lists and `ofType` chains.
#[derive(Clone, Copy, Default)]
struct Path {
    lists: usize,
    of_type: usize,
}

impl Walk<'_> {
    /// The root selection set: finds `__schema` and `__type` (through fragments, each spread
    /// of a fragment at most once per operation, as the root field count does).
    fn root(&mut self, set: &SelectionSet, seen: &mut HashSet<String>) {
        for item in &set.items {
            match &item.node {
                Selection::Field(field) => {
                    let meta = match field.node.name.node.as_str() {
                        "__schema" => Meta::Schema,
                        "__type" => Meta::Type,
                        _ => continue,
                    };
                    self.cost.roots += 1;
                    let (weighted, plain) =
                        self.set(&field.node.selection_set.node, meta, Path::default());
                    self.cost.weighted = self.cost.weighted.saturating_add(1 + weighted);
                    self.cost.plain = self.cost.plain.saturating_add(1 + plain);
                }
                Selection::InlineFragment(inline) => {
                    self.root(&inline.node.selection_set.node, seen);
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    if seen.insert(name.to_string())
                        && let Some(fragment) = self.document.fragments.get(name)
                    {
                        self.root(&fragment.node.selection_set.node, seen);
                    }
                }
            }
        }
    }

    /// The weighted and plain cost of `set` selected on `meta`.
    fn set(&mut self, set: &SelectionSet, meta: Meta, path: Path) -> (usize, usize) {
        let (mut weighted, mut plain) = (0usize, 0usize);
        for item in &set.items {
            let (w, p) = match &item.node {
                Selection::Field(field) => {
                    let name = field.node.name.node.as_str();
                    match self.member(meta, name) {
                        Some((child, items)) => {
                            let mut path = path;
                            if matches!(
                                name,
                                "fields" | "inputFields" | "interfaces" | "possibleTypes"
                            ) {
                                path.lists += 1;
                            }
                            path.of_type = if name == "ofType" {
                                path.of_type + 1
                            } else {
                                0
                            };
                            self.cost.list_nesting = self.cost.list_nesting.max(path.lists);
                            self.cost.of_type_depth = self.cost.of_type_depth.max(path.of_type);
                            let (w, p) = self.set(&field.node.selection_set.node, child, path);
                            (
                                items.saturating_mul(w).saturating_add(1),
                                p.saturating_add(1),
                            )
                        }
                        None => (1, 1),
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.set(&inline.node.selection_set.node, meta, path)
                }
                Selection::FragmentSpread(spread) => {
                    match self.document.fragments.get(&spread.node.fragment_name.node) {
                        Some(fragment) => self.set(&fragment.node.selection_set.node, meta, path),
                        None => (0, 0),
                    }
                }
            };
            weighted = weighted.saturating_add(w);
            plain = plain.saturating_add(p);
        }
        (weighted, plain)
    }

    /// The type of `meta.name` when it is an introspection object, with the items a list of
    /// it holds (1 for a single object).
    fn member(&self, meta: Meta, name: &str) -> Option<(Meta, usize)> {
        let sizes = self.sizes;
        Some(match (meta, name) {
            (Meta::Schema, "types") => (Meta::Type, sizes.types),
            (Meta::Schema, "queryType" | "mutationType" | "subscriptionType") => (Meta::Type, 1),
            (Meta::Schema, "directives") => (Meta::Directive, sizes.directives),
            (Meta::Type, "fields") => (Meta::Field, sizes.fields),
            (Meta::Type, "inputFields") => (Meta::InputValue, sizes.input_fields),
            (Meta::Type, "enumValues") => (Meta::EnumValue, sizes.enum_values),
            (Meta::Type, "interfaces") => (Meta::Type, sizes.interfaces),
            (Meta::Type, "possibleTypes") => (Meta::Type, sizes.possible_types),
            (Meta::Type, "ofType") => (Meta::Type, 1),
            (Meta::Field, "args") => (Meta::InputValue, sizes.field_args),
            (Meta::Field | Meta::InputValue, "type") => (Meta::Type, 1),
            (Meta::Directive, "args") => (Meta::InputValue, sizes.directive_args),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(query: &str) -> IntrospectionCost {
        let sizes = IntrospectionSizes {
            types: 100,
            directives: 5,
            fields: 4,
            input_fields: 2,
            enum_values: 3,
            interfaces: 1,
            possible_types: 1,
            field_args: 2,
            directive_args: 1,
        };
        IntrospectionCost::of(&async_graphql::parser::parse_query(query).unwrap(), &sizes)
    }

    #[test]
    fn lists_cost_their_size() {
        let c = cost("{ __schema { types { name } } }");
        // __schema 1 + types (1 + 100 × name 1).
        assert_eq!((c.weighted, c.plain), (1 + 1 + 100, 3));
        let c = cost("{ __schema { types { fields { name type { name } } } } }");
        assert_eq!(c.weighted, 1 + 1 + 100 * (1 + 4 * 3));
        let c = cost("{ a: __schema { types { name } } b: __schema { types { name } } }");
        assert_eq!((c.weighted, c.roots), (2 * 102, 2));
        assert_eq!(cost("{ viewer { name } __typename }").weighted, 0);
    }

    #[test]
    fn follows_fragments_and_measures_nesting() {
        let c = cost(
            "{ ...R } fragment R on Query { __type(name: \"X\") { ...T } }
             fragment T on __Type { fields { type { ofType { ofType { name } } } } }",
        );
        assert_eq!((c.roots, c.list_nesting, c.of_type_depth), (1, 1, 2));
        let c = cost(
            "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }",
        );
        assert_eq!(c.list_nesting, 3);
        assert!(c.check_anonymous(9).is_err());
    }

    #[test]
    fn anonymous_limits_name_their_measure() {
        let c = cost("{ __schema { queryType { name } } __type(name: \"Q\") { name } }");
        let err = c.check_anonymous(9).unwrap_err();
        assert_eq!(err.code().as_str(), "QUERY_TOO_COMPLEX");
        assert!(err.message().contains("anonymous introspection roots"));
        let c = cost("{ __type(name: \"Q\") { ofType { ofType { ofType { name } } } } }");
        assert!(c.check_anonymous(3).is_ok());
        assert!(c.check_anonymous(2).is_err());
    }
}
