//! Relay connections: argument checks, page windows, opaque cursors and `totalCount`.
//!
//! Cursors are opaque to clients; today they carry the offset of the row in the connection's
//! order (`v1:<offset>`), so every `orderBy` pages the same way and `last`/`before` work too.
//! A cursor from a different order or filter still decodes, and simply names a position.
//! Only cursors this server could have issued decode: the canonical encoding of an offset
//! from 0 to [`MAX_CURSOR_OFFSET`]; anything else is `BAD_USER_INPUT`.

use async_graphql::SimpleObject;
use async_graphql::connection::CursorType;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{AppError, AppResult};

/// Largest page a client may ask for.
pub const MAX_PAGE_SIZE: i64 = 100;
/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: i64 = 20;
/// Largest offset a cursor may name; far beyond any list, and small enough that a window's
/// arithmetic (`offset + 1 + limit + 1`) never overflows.
pub const MAX_CURSOR_OFFSET: i64 = i32::MAX as i64;

/// A position in a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OffsetCursor(pub i64);

impl CursorType for OffsetCursor {
    type Error = &'static str;

    fn decode_cursor(s: &str) -> Result<Self, Self::Error> {
        let bytes = URL_SAFE_NO_PAD.decode(s).map_err(|_| "invalid cursor")?;
        let text = std::str::from_utf8(&bytes).map_err(|_| "invalid cursor")?;
        let cursor = text
            .strip_prefix("v1:")
            .and_then(|n| n.parse::<i64>().ok())
            .filter(|n| (0..=MAX_CURSOR_OFFSET).contains(n))
            .map(OffsetCursor)
            .ok_or("invalid cursor")?;
        // One spelling per position: `v1:007`, `v1:+7` or other encodings of the same
        // bytes are not cursors this server issued.
        if cursor.encode_cursor() != s {
            return Err("invalid cursor");
        }
        Ok(cursor)
    }

    fn encode_cursor(&self) -> String {
        URL_SAFE_NO_PAD.encode(format!("v1:{}", self.0))
    }
}

/// A page of rows before it becomes a GraphQL connection type (see [`connection_type!`]).
#[derive(Debug, Clone)]
pub struct Page<N> {
    /// The rows with their cursors.
    pub edges: Vec<(String, N)>,
    /// Neighbour pages and end cursors.
    pub page_info: PageInfo,
    /// Matching rows in all.
    pub total_count: i64,
}

/// Declares the Relay connection and edge types of a node type, e.g.
/// `connection_type!(Unit, UnitConnection, UnitEdge)`, convertible from a [`Page`].
#[macro_export]
macro_rules! connection_type {
    ($node:ident, $connection:ident, $edge:ident) => {
        #[doc = concat!(
            "A page of ", stringify!($node), " items (a Relay connection): the items with their \
             cursors, where the page sits, and how many items match in all."
        )]
        #[derive(async_graphql::SimpleObject, Debug, Clone)]
        pub struct $connection {
            /// The items of this page, each with its cursor.
            pub edges: Vec<$edge>,
            /// The items of this page, without cursors.
            pub nodes: Vec<$node>,
            /// Whether more items exist before and after this page, and the cursors at its ends.
            pub page_info: $crate::graphql::pagination::PageInfo,
            /// Number of items matching the filter, regardless of pagination.
            pub total_count: i64,
        }

        #[doc = concat!("A ", stringify!($node), " with its cursor in a connection.")]
        #[derive(async_graphql::SimpleObject, Debug, Clone)]
        pub struct $edge {
            /// Opaque position of the item; pass it as `after` or `before`.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        impl From<$crate::graphql::pagination::Page<$node>> for $connection {
            fn from(page: $crate::graphql::pagination::Page<$node>) -> Self {
                let nodes = page.edges.iter().map(|(_, node)| node.clone()).collect();
                Self {
                    edges: page
                        .edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    nodes,
                    page_info: page.page_info,
                    total_count: page.total_count,
                }
            }
        }
    };
}

/// Where a page sits in its list.
#[derive(SimpleObject, Debug, Clone, Default)]
pub struct PageInfo {
    /// Whether items exist after this page.
    pub has_next_page: bool,
    /// Whether items exist before this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of the page; null when the page is empty.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of the page; null when the page is empty.
    pub end_cursor: Option<String>,
}

/// Direction of an `orderBy`.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

/// Pagination arguments as the client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    /// Items after `after`, at most this many.
    pub first: Option<i32>,
    /// Cursor to start after.
    pub after: Option<String>,
    /// Items before `before`, at most this many.
    pub last: Option<i32>,
    /// Cursor to end before.
    pub before: Option<String>,
}

/// Which slice of the ordered rows to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// `first` rows starting at `offset`.
    Forward {
        /// Rows to skip.
        offset: i64,
        /// Page size.
        limit: i64,
    },
    /// `limit` rows ending just before `end` (or at the end of the list).
    Backward {
        /// Exclusive end offset; `None` means the end of the list.
        end: Option<i64>,
        /// Page size.
        limit: i64,
    },
}

/// A concrete slice: rows `offset .. offset + limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Window {
    /// Rows to skip.
    pub offset: i64,
    /// Rows to return.
    pub limit: i64,
}

fn page_size(value: i32, name: &str) -> AppResult<i64> {
    let value = i64::from(value);
    if value < 0 {
        return Err(AppError::bad_input(format!(
            "`{name}` must not be negative"
        )));
    }
    if value > MAX_PAGE_SIZE {
        return Err(
            AppError::too_complex("page size", MAX_PAGE_SIZE as usize, value as usize)
                .with("argument", name.to_owned()),
        );
    }
    Ok(value)
}

fn cursor(value: &str, name: &str) -> AppResult<i64> {
    OffsetCursor::decode_cursor(value)
        .map(|c| c.0)
        .map_err(|_| AppError::bad_input(format!("`{name}` is not a valid cursor")))
}

impl PageArgs {
    /// Forward-only arguments, for nested connections.
    pub fn forward(first: Option<i32>, after: Option<String>) -> Self {
        Self {
            first,
            after,
            ..Self::default()
        }
    }

    /// Checks the arguments and decides the slice.
    pub fn plan(&self) -> AppResult<Plan> {
        if self.first.is_some() && self.last.is_some() {
            return Err(AppError::bad_input(
                "pass either `first` or `last`, not both",
            ));
        }
        let after = self
            .after
            .as_deref()
            .map(|c| cursor(c, "after"))
            .transpose()?;
        let before = self
            .before
            .as_deref()
            .map(|c| cursor(c, "before"))
            .transpose()?;
        if let Some(last) = self.last {
            if after.is_some() {
                return Err(AppError::bad_input(
                    "`after` cannot be combined with `last`",
                ));
            }
            return Ok(Plan::Backward {
                end: before,
                limit: page_size(last, "last")?,
            });
        }
        let limit = self
            .first
            .map(|first| page_size(first, "first"))
            .transpose()?
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let offset = after.map_or(0, |a| a + 1);
        let limit = match before {
            Some(before) => limit.min((before - offset).max(0)),
            None => limit,
        };
        Ok(Plan::Forward { offset, limit })
    }
}

impl Plan {
    /// Whether the total must be known before fetching.
    pub fn needs_total(&self) -> bool {
        matches!(self, Plan::Backward { end: None, .. })
    }

    /// The rows to fetch; `total` is required when [`Plan::needs_total`].
    pub fn window(&self, total: Option<i64>) -> Window {
        match *self {
            Plan::Forward { offset, limit } => Window { offset, limit },
            Plan::Backward { end, limit } => {
                let end = end.or(total).unwrap_or(0);
                let offset = (end - limit).max(0);
                Window {
                    offset,
                    limit: end - offset,
                }
            }
        }
    }
}

/// Builds a page from the rows of `window`. `rows` may hold one extra row past the window,
/// which only tells that a next page exists. `total`, when known, is reported and also decides
/// whether a next page exists.
pub fn connection<N>(mut rows: Vec<N>, window: Window, total: Option<i64>) -> Page<N> {
    let extra = rows.len() as i64 > window.limit;
    rows.truncate(window.limit.max(0) as usize);
    let has_next_page = extra || total.is_some_and(|t| window.offset + (rows.len() as i64) < t);
    let edges: Vec<(String, N)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, node)| (OffsetCursor(window.offset + i as i64).encode_cursor(), node))
        .collect();
    Page {
        page_info: PageInfo {
            has_next_page,
            has_previous_page: window.offset > 0,
            start_cursor: edges.first().map(|e| e.0.clone()),
            end_cursor: edges.last().map(|e| e.0.clone()),
        },
        edges,
        total_count: total.unwrap_or(0),
    }
}

/// Whether the current connection field selects `totalCount` (so the count query can be
/// skipped when it does not).
pub fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}

/// Complexity of a list field: its own cost plus `child` per requested item.
pub fn list_cost(first: Option<i32>, last: Option<i32>, child: usize) -> usize {
    let items = first
        .or(last)
        .map_or(DEFAULT_PAGE_SIZE, i64::from)
        .clamp(1, MAX_PAGE_SIZE) as usize;
    1 + items * child
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(
        first: Option<i32>,
        after: Option<i64>,
        last: Option<i32>,
        before: Option<i64>,
    ) -> PageArgs {
        PageArgs {
            first,
            after: after.map(|a| OffsetCursor(a).encode_cursor()),
            last,
            before: before.map(|b| OffsetCursor(b).encode_cursor()),
        }
    }

    #[test]
    fn forward_windows() {
        let plan = args(Some(10), None, None, None).plan().unwrap();
        assert_eq!(
            plan.window(None),
            Window {
                offset: 0,
                limit: 10
            }
        );
        let plan = args(Some(10), Some(9), None, None).plan().unwrap();
        assert_eq!(
            plan.window(None),
            Window {
                offset: 10,
                limit: 10
            }
        );
        let plan = args(None, None, None, None).plan().unwrap();
        assert_eq!(
            plan.window(None),
            Window {
                offset: 0,
                limit: DEFAULT_PAGE_SIZE
            }
        );
        let plan = args(Some(10), Some(2), None, Some(6)).plan().unwrap();
        assert_eq!(
            plan.window(None),
            Window {
                offset: 3,
                limit: 3
            }
        );
        let plan = args(Some(0), None, None, None).plan().unwrap();
        assert_eq!(
            plan.window(None),
            Window {
                offset: 0,
                limit: 0
            }
        );
    }

    #[test]
    fn backward_windows() {
        let plan = args(None, None, Some(5), None).plan().unwrap();
        assert!(plan.needs_total());
        assert_eq!(
            plan.window(Some(12)),
            Window {
                offset: 7,
                limit: 5
            }
        );
        assert_eq!(
            plan.window(Some(3)),
            Window {
                offset: 0,
                limit: 3
            }
        );
        let plan = args(None, None, Some(5), Some(3)).plan().unwrap();
        assert!(!plan.needs_total());
        assert_eq!(
            plan.window(None),
            Window {
                offset: 0,
                limit: 3
            }
        );
    }

    #[test]
    fn bad_arguments_are_coded() {
        let code = |a: PageArgs| a.plan().unwrap_err().code().as_str();
        assert_eq!(code(args(Some(101), None, None, None)), "QUERY_TOO_COMPLEX");
        assert_eq!(code(args(None, None, Some(101), None)), "QUERY_TOO_COMPLEX");
        assert_eq!(code(args(Some(-1), None, None, None)), "BAD_USER_INPUT");
        assert_eq!(code(args(Some(1), None, Some(1), None)), "BAD_USER_INPUT");
        assert_eq!(code(args(None, Some(1), Some(1), None)), "BAD_USER_INPUT");
        let garbage = PageArgs {
            after: Some("not-a-cursor".into()),
            ..PageArgs::default()
        };
        assert_eq!(code(garbage), "BAD_USER_INPUT");
        let negative = PageArgs {
            after: Some(URL_SAFE_NO_PAD.encode("v1:-4")),
            ..PageArgs::default()
        };
        assert_eq!(code(negative), "BAD_USER_INPUT");
    }

    #[test]
    fn only_issued_cursors_decode() {
        let encoded = |text: &str| URL_SAFE_NO_PAD.encode(text);
        for bad in [
            encoded("v1:9223372036854775807"),
            encoded(&format!("v1:{}", MAX_CURSOR_OFFSET + 1)),
            encoded("v1:-1"),
            encoded("v1:007"),
            encoded("v1:+7"),
            encoded("v1: 7"),
            encoded("v2:7"),
            encoded("v1:"),
            format!("{}==", encoded("v1:7")),
            "djE6Nw=".to_owned(),
            "v1:7".to_owned(),
            String::new(),
        ] {
            assert!(OffsetCursor::decode_cursor(&bad).is_err(), "{bad:?}");
            for (after, before) in [(Some(bad.clone()), None), (None, Some(bad.clone()))] {
                let args = PageArgs {
                    first: Some(1),
                    after,
                    before,
                    ..PageArgs::default()
                };
                assert_eq!(args.plan().unwrap_err().code().as_str(), "BAD_USER_INPUT");
            }
        }
        let last = OffsetCursor(MAX_CURSOR_OFFSET).encode_cursor();
        assert_eq!(
            OffsetCursor::decode_cursor(&last),
            Ok(OffsetCursor(MAX_CURSOR_OFFSET))
        );
        let plan = PageArgs::forward(Some(100), Some(last)).plan().unwrap();
        let window = plan.window(None);
        assert_eq!(window.offset, MAX_CURSOR_OFFSET + 1);
        assert!(window.offset.checked_add(window.limit + 1).is_some());
    }

    #[test]
    fn connections_report_neighbour_pages() {
        let page = connection(
            vec![1, 2, 3],
            Window {
                offset: 0,
                limit: 2,
            },
            None,
        );
        assert_eq!(page.edges.len(), 2);
        assert!(page.page_info.has_next_page && !page.page_info.has_previous_page);
        let page = connection(
            vec![1, 2],
            Window {
                offset: 4,
                limit: 2,
            },
            Some(6),
        );
        assert!(!page.page_info.has_next_page && page.page_info.has_previous_page);
        let page = connection(
            Vec::<i32>::new(),
            Window {
                offset: 50,
                limit: 10,
            },
            Some(6),
        );
        assert!(page.edges.is_empty() && !page.page_info.has_next_page);
    }
}
