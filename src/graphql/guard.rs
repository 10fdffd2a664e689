//! The request guard: who may run what, how big it may be, and what every error looks like.
//!
//! - Before anything else looks at a document, its size is measured in time linear in its
//!   text ([`super::document_size`]): the nesting of its text before it is parsed, then its
//!   fields after fragment expansion, its nesting through fragments, its variables and
//!   directives. Only a document within these limits reaches async-graphql's own checks,
//!   validation, complexity and depth, whose passes re-walk a fragment at every spread.
//!   Strings holding NUL (which PostgreSQL cannot store) are refused there too.
//! - Callers without a valid token may only run introspection (`__schema`, `__type`,
//!   `__typename`); any other root field is refused with `UNAUTHENTICATED` before execution.
//!   Their introspection is the one clients send ([`super::introspection`]).
//! - Root fields per operation and aliases are counted on the parsed document, depth and
//!   complexity during validation (introspection lists costing their real size); each is
//!   refused with `QUERY_TOO_COMPLEX` (naming the limit and the measured value); an accepted
//!   response reports its cost in `extensions.cost`.
//! - Every error leaves with an `extensions.code`: malformed documents and arguments become
//!   `BAD_USER_INPUT`, anything uncoded from a resolver becomes `INTERNAL` with its detail logged.
//! - A failing nullable field is null with its error, never a null parent.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
    NextResolve, NextSubscribe, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    Request, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};
use futures_util::stream::{BoxStream, StreamExt};

use super::document_shape::DocumentShape;
use super::document_size::{DocumentSize, MAX_TEXT_NESTING, const_holds_nul, text_nesting};
use super::introspection::{IntrospectionCost, IntrospectionSizes};
use crate::auth::Viewer;
use crate::config::Limits;
use crate::db::Db;
use crate::error::{AppError, ErrorCode};

/// Root fields anyone may query.
const PUBLIC_ROOT_FIELDS: [&str; 3] = ["__schema", "__type", "__typename"];

/// How deep selection sets and fragment spreads may nest, as the executor recurses: the
/// depth limit, and never less than 32 (what async-graphql allows by default), since depth
/// counts fields only.
pub fn recursion_limit(limits: &Limits) -> usize {
    limits.max_depth.max(32)
}

/// Installs the guard with the configured limits.
pub struct Guard {
    /// Depth and complexity limits.
    pub limits: Limits,
    /// Whether to add `extensions.sqlStatements` to responses.
    pub report_statements: bool,
    /// The sizes of the schema's introspection lists, known once the schema is built.
    pub introspection: Arc<OnceLock<IntrospectionSizes>>,
}

impl ExtensionFactory for Guard {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GuardExtension {
            limits: self.limits,
            report_statements: self.report_statements,
            introspection: self.introspection.get().copied().unwrap_or_default(),
            introspection_extra: Mutex::new(0),
            cost: Mutex::new(None),
            db: Mutex::new(None),
            field_errors: Arc::default(),
        })
    }
}

struct GuardExtension {
    limits: Limits,
    report_statements: bool,
    introspection: IntrospectionSizes,
    /// What the complexity of the request's introspection lists adds to async-graphql's count.
    introspection_extra: Mutex<usize>,
    cost: Mutex<Option<ValidationResult>>,
    /// The request's database handle, when its statements are reported.
    db: Mutex<Option<Db>>,
    /// Errors of nullable fields, moved into the response (or subscription event) they belong to.
    field_errors: Arc<Mutex<Vec<ServerError>>>,
}

/// Moves the collected field errors into `response` and gives every error its code.
fn finish_errors(response: &mut Response, field_errors: &Mutex<Vec<ServerError>>) {
    if let Ok(mut field_errors) = field_errors.lock() {
        response.errors.append(&mut field_errors);
    }
    for error in &mut response.errors {
        ensure_code(error);
    }
}

fn server_error(err: AppError) -> ServerError {
    err.into_server_error()
}

#[async_trait::async_trait]
impl Extension for GuardExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        finish_errors(&mut response, &self.field_errors);
        let cost = self.cost.lock().ok().and_then(|mut cost| cost.take());
        if let Some(cost) = cost {
            response = response.extension(
                "cost",
                async_graphql::value!({
                    "complexity": cost.complexity,
                    "depth": cost.depth,
                    "maxComplexity": self.limits.max_complexity,
                    "maxDepth": self.limits.max_depth,
                }),
            );
        }
        // The request's data is not in this hook's context: `prepare_request` kept its handle.
        let db = self.db.lock().ok().and_then(|mut db| db.take());
        if let Some(db) = db {
            response = response.extension("sqlStatements", Value::from(db.statements() as u64));
        }
        response
    }

    /// Each event of a subscription is a response of its own: its field errors go with it.
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let field_errors = self.field_errors.clone();
        next.run(ctx, stream)
            .map(move |mut response| {
                finish_errors(&mut response, &field_errors);
                response
            })
            .boxed()
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        check_size(&mut request, &self.limits).map_err(server_error)?;
        fill_omitted_variables(&mut request);
        if self.report_statements
            && let Some(db) = request
                .data
                .get(&std::any::TypeId::of::<Db>())
                .and_then(|db| db.downcast_ref::<Db>())
            && let Ok(mut slot) = self.db.lock()
        {
            *slot = Some(db.clone());
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let shape = DocumentShape::of(&document);
        if shape.root_fields > self.limits.max_root_fields {
            return Err(server_error(AppError::too_complex(
                "root fields",
                self.limits.max_root_fields,
                shape.root_fields,
            )));
        }
        if shape.aliases > self.limits.max_aliases {
            return Err(server_error(AppError::too_complex(
                "aliases",
                self.limits.max_aliases,
                shape.aliases,
            )));
        }
        let anonymous = ctx.data_opt::<Viewer>().is_none();
        if anonymous && let Some(field) = first_private_root_field(&document) {
            return Err(server_error(AppError::unauthenticated(format!(
                "a valid bearer token is required to query `{field}`"
            ))));
        }
        let introspection = IntrospectionCost::of(&document, &self.introspection);
        if anonymous {
            introspection
                .check_anonymous(self.limits.max_anonymous_of_type_depth)
                .map_err(server_error)?;
        }
        if let Ok(mut extra) = self.introspection_extra.lock() {
            *extra = introspection.extra();
        }
        Ok(document)
    }

    /// A failing nullable field becomes null and its error is reported, as the GraphQL spec
    /// requires; the executor would otherwise null the whole parent object.
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let nullable = !info.return_type.ends_with('!');
        match next.run(ctx, info).await {
            Err(error) if nullable => {
                if let Ok(mut field_errors) = self.field_errors.lock() {
                    field_errors.push(error);
                }
                Ok(Some(Value::Null))
            }
            other => other,
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let mut result = next.run(ctx).await?;
        let extra = self.introspection_extra.lock().map_or(0, |extra| *extra);
        result.complexity = result.complexity.saturating_add(extra);
        if result.depth > self.limits.max_depth {
            return Err(vec![server_error(AppError::too_complex(
                "depth",
                self.limits.max_depth,
                result.depth,
            ))]);
        }
        if result.complexity > self.limits.max_complexity {
            return Err(vec![server_error(AppError::too_complex(
                "complexity",
                self.limits.max_complexity,
                result.complexity,
            ))]);
        }
        if let Ok(mut cost) = self.cost.lock() {
            *cost = Some(result);
        }
        Ok(result)
    }
}

/// Refuses a document whose size would make any later pass expensive, measuring it in time
/// linear in its text; parses it (the parsed document stays on the request).
///
/// A document that does not parse for another reason is left to the executor, which reports
/// the parse error.
fn check_size(request: &mut Request, limits: &Limits) -> Result<(), AppError> {
    let text_nesting = text_nesting(&request.query);
    if text_nesting > MAX_TEXT_NESTING {
        return Err(AppError::too_complex(
            "depth",
            MAX_TEXT_NESTING,
            text_nesting,
        ));
    }
    if request.parsed_query().is_err() {
        // The parser's own limit of nested selection sets is the client's depth; any other
        // parse error is the executor's to report. (The request keeps only a message of its
        // parse error, so the rare failing document is parsed once more for the kind.)
        let parsed = async_graphql::parser::parse_query(&request.query);
        if let Err(async_graphql::parser::Error::RecursionLimitExceeded) = parsed {
            return Err(AppError::too_complex(
                "depth",
                limits.max_depth,
                text_nesting,
            ));
        }
        return Ok(());
    }
    let Ok(document) = request.parsed_query() else {
        return Ok(());
    };
    let size = DocumentSize::of(document);
    if let Some(fragment) = size.unknown_fragment {
        return Err(AppError::bad_input(format!(
            "unknown fragment `{fragment}`"
        )));
    }
    if let Some(fragment) = size.cycle {
        return Err(AppError::bad_input(format!(
            "fragment `{fragment}` spreads itself"
        )));
    }
    if size.fields > limits.max_fields {
        return Err(AppError::too_complex(
            "fields",
            limits.max_fields,
            size.fields,
        ));
    }
    if size.nesting > recursion_limit(limits) {
        return Err(AppError::too_complex(
            "depth",
            recursion_limit(limits),
            size.nesting,
        ));
    }
    let measures = [
        ("variables", limits.max_variables, size.variables),
        ("directives", limits.max_directives, size.directives),
    ];
    if let Some((measure, limit, actual)) = measures
        .into_iter()
        .find(|(_, limit, actual)| actual > limit)
    {
        return Err(AppError::too_complex(measure, limit, actual));
    }
    if size.nul_in_text || request.variables.values().any(const_holds_nul) {
        return Err(AppError::bad_input(
            "strings must not contain the NUL character (\\u0000)",
        ));
    }
    Ok(())
}

/// Gives declared but omitted variables without a default the value null.
///
/// The complexity of a list depends on its `first`/`last` arguments, and async-graphql's
/// complexity pass refuses arguments bound to omitted variables, although omitting an optional
/// variable is legal GraphQL. For nullable variables, null and omitted mean the same here.
fn fill_omitted_variables(request: &mut Request) {
    // Parsed once: the document stays on the request for the executor.
    let Ok(document) = request.parsed_query() else {
        return;
    };
    let omitted: Vec<_> = document
        .operations
        .iter()
        .flat_map(|(_, operation)| &operation.node.variable_definitions)
        .map(|definition| &definition.node)
        .filter(|definition| {
            definition.default_value.is_none() && definition.var_type.node.nullable
        })
        .map(|definition| definition.name.node.clone())
        .collect();
    for name in omitted {
        request.variables.entry(name).or_insert(Value::Null);
    }
}

/// Gives an uncoded error its code.
fn ensure_code(error: &mut ServerError) {
    let has_code = error
        .extensions
        .as_ref()
        .is_some_and(|ext| ext.get("code").is_some());
    if has_code {
        return;
    }
    let code = if error.message.contains("recursion depth") || error.message.contains("exceeds") {
        ErrorCode::QueryTooComplex
    } else if error.path.is_empty() || error.message.starts_with("Failed to parse") {
        // Parse and validation errors, and argument coercion: the client's document is wrong.
        shorten(&mut error.message);
        ErrorCode::BadUserInput
    } else {
        tracing::error!(message = %error.message, path = ?error.path, "uncoded resolver error");
        error.message = "internal server error".to_owned();
        ErrorCode::Internal
    };
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code.as_str());
}

/// Longest message about a client's document: the parser quotes the offending line (and
/// underlines it), which can be the whole document.
const MAX_MESSAGE_CHARS: usize = 500;

/// Drops the quoted lines of a long message, and cuts what remains to
/// [`MAX_MESSAGE_CHARS`].
fn shorten(message: &mut String) {
    if message.len() <= MAX_MESSAGE_CHARS {
        return;
    }
    let kept: Vec<&str> = message
        .lines()
        .filter(|line| line.len() <= MAX_MESSAGE_CHARS / 4)
        .collect();
    let mut short = kept.join("\n");
    if short.len() > MAX_MESSAGE_CHARS {
        let mut end = MAX_MESSAGE_CHARS;
        while !short.is_char_boundary(end) {
            end -= 1;
        }
        short.truncate(end);
        short.push('…');
    }
    *message = short;
}

/// The first root field (through fragments) that is not introspection, in any operation.
fn first_private_root_field(document: &ExecutableDocument) -> Option<String> {
    let mut seen = HashSet::new();
    document.operations.iter().find_map(|(_, operation)| {
        private_field(document, &operation.node.selection_set.node, &mut seen)
    })
}

fn private_field(
    document: &ExecutableDocument,
    set: &SelectionSet,
    seen: &mut HashSet<String>,
) -> Option<String> {
    set.items.iter().find_map(|item| match &item.node {
        Selection::Field(field) => {
            let name = field.node.name.node.as_str();
            (!PUBLIC_ROOT_FIELDS.contains(&name)).then(|| name.to_owned())
        }
        Selection::InlineFragment(fragment) => {
            private_field(document, &fragment.node.selection_set.node, seen)
        }
        Selection::FragmentSpread(spread) => {
            let name = spread.node.fragment_name.node.to_string();
            if !seen.insert(name.clone()) {
                return None;
            }
            document
                .fragments
                .get(&spread.node.fragment_name.node)
                .and_then(|fragment| {
                    private_field(document, &fragment.node.selection_set.node, seen)
                })
        }
    })
}
