//! Small-group suppression: which figures an aggregate withholds from a viewer who may not
//! read the counted records one by one ([`crate::auth::rules::hides_small_groups`], the
//! ANALYST), so that no figure shown describes fewer than the configured minimum of ASN
//! (`KINERJA_MIN_AGGREGATE_GROUP`, default 5) — directly, or by subtracting other figures the
//! same viewer can obtain.
//!
//! A *group* is a set of ASN whose records a figure counts:
//! - the evaluation figures of a unit and period (predikat counts and shares, mean scores,
//!   status counts, appeals, the pola distribusi check): the ASN with a counted evaluation
//!   (PUBLISHED, APPEALED, FINAL) of the period — `evaluatedCount`;
//! - the activity minutes of a unit: its active staff — `staffCount` (every period of a unit
//!   has the same group, so months, quarters and years can be subtracted from each other
//!   without isolating anyone);
//! - an evaluator's row in `evaluatorCalibration`: the ASN the evaluator evaluated in the
//!   period.
//!
//! What is protected, for every unit and period, whichever units are asked about:
//! 1. a group smaller than the minimum is withheld (its counts, shares, means, minutes null,
//!    `suppressed: true`); an empty group shows zeros, it describes nobody;
//! 2. differencing over the unit tree: a unit can be asked about with and without its
//!    sub-units, and every answer is a sum of *cells* (the ASN of one unit itself). The
//!    answers shown are chosen over the whole tree at once ([`release`]) so that each answer
//!    minus the answers shown inside it (the unit without its sub-units, its sub-units) still
//!    describes no group of 1 to minimum−1 ASN: bottom-up, a unit whose remainder would be
//!    too small withholds answers inside it until the remainder is large enough (secondary
//!    suppression; the smallest answer that brings a remainder of its own first), or is
//!    withheld itself. The decision for a unit depends on the
//!    whole tree, never on what was asked, so asking in another order reveals nothing more;
//! 3. evaluator rows against unit figures: an evaluator's row is shown only when it is their
//!    whole team of the period (the same set wherever it is shown), the team has at least the
//!    minimum of ASN, it lies within one remainder of the tree (item 2), and that remainder
//!    minus the teams shown within it is empty or at least the minimum ([`released_teams`]).
//!    So the head of a Puskesmas, evaluated by the head of the Dinas, is not revealed as
//!    "Puskesmas minus the team of its head";
//! 4. the head left out by `distributionCheck`: the check differs from `performanceSummary`
//!    by the head's evaluation, so when the head's evaluation is counted the check is
//!    withheld;
//! 5. periods: evaluations of different periods are different records, so a trend's entries
//!    are independent groups; activity minutes are protected by item 2 on the staff.
//!
//! What is not protected (documented limits):
//! - differences over time: the same figure read before and after one more evaluation is
//!   published, or an ASN moves to another unit (ASN count in the unit they work in now),
//!   describes that one change. Exact live figures cannot prevent this; noise or publishing
//!   only closed periods could;
//! - what the viewer knows from elsewhere (e.g. the predikat of all but one member of a group
//!   of five);
//! - counts of *who has* a counted evaluation: `evaluatedCount`, and each evaluator's
//!   `evaluatedCount`, are shown (they reveal that an evaluation was published, never its
//!   predikat; so does whether `distributionCheck` is withheld for the head), and DRAFT
//!   counts of a shown unit can be subtracted like other figures;
//! - activity minutes are guarded by the number of active staff, not by how many of them
//!   logged activities in the period (nor do ASN who have left count towards the group,
//!   though activities they logged before leaving are in the minutes).
//!
//! The ordering of evaluator rows never depends on withheld figures. The price of item 3 is
//! that a unit head's team is usually withheld from the viewer: the unit minus that team is
//! the head alone.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Deserialize;

/// The organisation's units as a tree, read from `(id, parent id)` pairs.
#[derive(Debug, Clone, Default)]
pub struct UnitTree {
    ids: Vec<i64>,
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    index: HashMap<i64, usize>,
    /// Every unit, children before their parents.
    post_order: Vec<usize>,
}

impl UnitTree {
    /// The tree of `units` (`(id, parent id)`); a unit whose parent is not listed is a root.
    pub fn new(units: &[(i64, Option<i64>)]) -> Self {
        let index: HashMap<i64, usize> = units
            .iter()
            .enumerate()
            .map(|(i, (id, _))| (*id, i))
            .collect();
        let parent: Vec<Option<usize>> = units
            .iter()
            .map(|(_, p)| p.and_then(|p| index.get(&p).copied()))
            .collect();
        let mut children = vec![Vec::new(); units.len()];
        for (i, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                children[*p].push(i);
            }
        }
        let mut post_order = Vec::with_capacity(units.len());
        let mut stack: Vec<(usize, bool)> = (0..units.len())
            .filter(|i| parent[*i].is_none())
            .map(|i| (i, false))
            .collect();
        while let Some((unit, expanded)) = stack.pop() {
            if expanded {
                post_order.push(unit);
            } else {
                stack.push((unit, true));
                stack.extend(children[unit].iter().map(|c| (*c, false)));
            }
        }
        Self {
            ids: units.iter().map(|(id, _)| *id).collect(),
            parent,
            children,
            index,
            post_order,
        }
    }
}

/// The node of a unit's own cell (the unit without its sub-units).
fn own(unit: usize) -> usize {
    2 * unit
}

/// The node of a unit with its sub-units.
fn sub(unit: usize) -> usize {
    2 * unit + 1
}

/// Which answers of one family of figures (one period's evaluations, or the staff) may be
/// shown, decided over the whole tree (item 2 of the module documentation).
#[derive(Debug, Clone)]
pub struct Release {
    tree: UnitTree,
    minimum: i64,
    /// Per node: whether its answer is shown.
    shown: Vec<bool>,
    /// Per node: the size of its group.
    size: Vec<i64>,
    /// Per node: the part of its group not covered by answers shown inside it (for a shown
    /// node: its remainder).
    remainder: Vec<i64>,
    /// Per unit: the shown node whose remainder holds the unit's own cell, if any.
    region: Vec<Option<usize>>,
}

/// Decides which answers of `tree` are shown when each unit's own cell has the size `cells`
/// gives (units not listed: 0), for groups of at least `minimum`.
pub fn release(tree: &UnitTree, cells: &HashMap<i64, i64>, minimum: i64) -> Release {
    let nodes = 2 * tree.ids.len();
    let mut shown = vec![false; nodes];
    let mut size = vec![0; nodes];
    let mut remainder = vec![0; nodes];
    let mut inside: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    let fits = |n: i64| n == 0 || n >= minimum;
    for &unit in &tree.post_order {
        let cell = cells.get(&tree.ids[unit]).copied().unwrap_or(0).max(0);
        let (mine, whole) = (own(unit), sub(unit));
        size[mine] = cell;
        remainder[mine] = cell;
        shown[mine] = fits(cell);
        // The maximal shown answers inside `sub`, and what they leave uncovered.
        let mut frontier = Vec::new();
        for part in std::iter::once(mine).chain(tree.children[unit].iter().map(|c| sub(*c))) {
            size[whole] += size[part];
            if shown[part] {
                if size[part] > 0 {
                    frontier.push(part);
                }
            } else {
                remainder[whole] += remainder[part];
                frontier.append(&mut inside[part]);
            }
        }
        // Secondary suppression: withhold the smallest answers inside until the remainder is
        // large enough, preferring those that bring a remainder of their own.
        while !fits(remainder[whole]) {
            let Some(pick) = frontier
                .iter()
                .enumerate()
                .min_by_key(|(_, node)| (remainder[**node] == 0, size[**node], **node))
                .map(|(i, _)| i)
            else {
                break;
            };
            let node = frontier.swap_remove(pick);
            shown[node] = false;
            remainder[whole] += remainder[node];
            frontier.append(&mut inside[node]);
        }
        shown[whole] = fits(remainder[whole]);
        inside[whole] = frontier;
    }
    // Top-down: the nearest shown answer above each unit's own cell.
    let mut above: Vec<Option<usize>> = vec![None; tree.ids.len()];
    let mut region = vec![None; tree.ids.len()];
    for &unit in tree.post_order.iter().rev() {
        let from_parent = tree.parent[unit].and_then(|p| above[p]);
        above[unit] = if shown[sub(unit)] {
            Some(sub(unit))
        } else {
            from_parent
        };
        region[unit] = if shown[own(unit)] {
            Some(own(unit))
        } else {
            above[unit]
        };
    }
    Release {
        tree: tree.clone(),
        minimum,
        shown,
        size,
        remainder,
        region,
    }
}

impl Release {
    fn node(&self, unit: i64, include_subunits: bool) -> Option<usize> {
        let unit = *self.tree.index.get(&unit)?;
        Some(if include_subunits {
            sub(unit)
        } else {
            own(unit)
        })
    }

    /// Whether the figures of `unit` (with its sub-units or without) may be shown.
    pub fn shows(&self, unit: i64, include_subunits: bool) -> bool {
        self.node(unit, include_subunits)
            .is_some_and(|node| self.shown[node])
    }

    /// The size of the group of `unit` (with its sub-units or without).
    pub fn size(&self, unit: i64, include_subunits: bool) -> i64 {
        self.node(unit, include_subunits)
            .map_or(0, |node| self.size[node])
    }
}

/// The evaluators whose rows may be shown (item 3 of the module documentation), given the
/// counted evaluations of one period as `(unit of the evaluated ASN, evaluator, count)` and
/// the release of that period's evaluation figures (decided on the same counts by unit).
pub fn released_teams(release: &Release, cells: &[(i64, i64, i64)]) -> HashSet<i64> {
    // Per evaluator: the team's size and the remainders its members fall in.
    let mut teams: BTreeMap<i64, (i64, HashSet<Option<usize>>)> = BTreeMap::new();
    for (unit, evaluator, count) in cells {
        let region = release
            .tree
            .index
            .get(unit)
            .and_then(|u| release.region[*u]);
        let team = teams.entry(*evaluator).or_default();
        team.0 += count;
        team.1.insert(region);
    }
    // Candidates by remainder: teams large enough that lie within one shown remainder.
    let mut by_region: BTreeMap<usize, Vec<(i64, i64)>> = BTreeMap::new();
    for (evaluator, (size, regions)) in &teams {
        if *size >= release.minimum
            && regions.len() == 1
            && let Some(Some(region)) = regions.iter().next()
        {
            by_region
                .entry(*region)
                .or_default()
                .push((*size, *evaluator));
        }
    }
    let mut shown = HashSet::new();
    for (region, mut candidates) in by_region {
        candidates.sort_unstable();
        let mut left = release.remainder[region] - candidates.iter().map(|c| c.0).sum::<i64>();
        // The smallest teams go back into the remainder until it is large enough.
        let mut next = 0;
        while left > 0 && left < release.minimum && next < candidates.len() {
            left += candidates[next].0;
            next += 1;
        }
        shown.extend(candidates[next..].iter().map(|(_, evaluator)| *evaluator));
    }
    shown
}

/// The tree and cells an aggregate statement returns as JSON for suppression.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct Cells {
    /// Every unit: `(id, parent id)`.
    #[serde(default)]
    pub units: Vec<(i64, Option<i64>)>,
    /// Active ASN per unit: `(unit, count)`.
    #[serde(default)]
    pub staff: Vec<(i64, i64)>,
    /// Counted evaluations of the period: `(unit of the evaluated ASN, evaluator, count)`.
    #[serde(default)]
    pub evaluated: Vec<(i64, i64, i64)>,
}

impl Cells {
    /// Reads the JSON an aggregate statement returned; an absent column is no cells.
    pub fn parse(json: Option<serde_json::Value>) -> crate::error::AppResult<Self> {
        json.map(serde_json::from_value)
            .transpose()
            .map_err(crate::error::AppError::internal)
            .map(Option::unwrap_or_default)
    }

    /// Counted evaluations per unit.
    pub fn evaluated_by_unit(&self) -> HashMap<i64, i64> {
        let mut out = HashMap::new();
        for (unit, _, count) in &self.evaluated {
            *out.entry(*unit).or_default() += count;
        }
        out
    }

    /// Active ASN per unit.
    pub fn staff_by_unit(&self) -> HashMap<i64, i64> {
        self.staff.iter().copied().collect()
    }
}

/// What one entry of `performanceSummary` / `performanceTrend` withholds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SummaryWithheld {
    /// The evaluation figures (predikat, statuses, appeals).
    pub evaluations: bool,
    /// The activity minutes.
    pub activities: bool,
}

/// What each period's entry for `unit` withholds, given each period's cells in order (the
/// first with the unit tree and the staff).
pub fn summaries(
    cells: &[Cells],
    unit: i64,
    include_subunits: bool,
    minimum: i64,
) -> Vec<SummaryWithheld> {
    let Some(first) = cells.first() else {
        return Vec::new();
    };
    let tree = UnitTree::new(&first.units);
    let activities = !release(&tree, &first.staff_by_unit(), minimum).shows(unit, include_subunits);
    cells
        .iter()
        .map(|period| SummaryWithheld {
            evaluations: !release(&tree, &period.evaluated_by_unit(), minimum)
                .shows(unit, include_subunits),
            activities,
        })
        .collect()
}

/// What `evaluatorCalibration` of `unit` shows: whether the unit's figures are shown, and the
/// evaluators whose rows are, given each evaluator's counted evaluations in the unit (`rows`).
/// When the unit's figures are withheld, so are all rows (they are set against the unit's).
pub fn calibration(
    cells: &Cells,
    unit: i64,
    include_subunits: bool,
    rows: &[(i64, i64)],
    minimum: i64,
) -> (bool, HashSet<i64>) {
    let tree = UnitTree::new(&cells.units);
    let decided = release(&tree, &cells.evaluated_by_unit(), minimum);
    if !decided.shows(unit, include_subunits) {
        return (false, HashSet::new());
    }
    let teams = released_teams(&decided, &cells.evaluated);
    let mut sizes: HashMap<i64, i64> = HashMap::new();
    for (_, evaluator, count) in &cells.evaluated {
        *sizes.entry(*evaluator).or_default() += count;
    }
    let shown = rows
        .iter()
        .filter(|(evaluator, count)| {
            teams.contains(evaluator) && sizes.get(evaluator) == Some(count)
        })
        .map(|(evaluator, _)| *evaluator)
        .collect();
    (true, shown)
}

/// Whether `distributionCheck` of `unit` may be shown, given how many evaluations it counts
/// (`counted`, the unit's head left out): only when the unit's figures are shown and the head's
/// evaluation is not among them (else the check and `performanceSummary` differ by exactly
/// the head).
pub fn distribution(
    cells: &Cells,
    unit: i64,
    include_subunits: bool,
    counted: i64,
    minimum: i64,
) -> bool {
    let tree = UnitTree::new(&cells.units);
    let decided = release(&tree, &cells.evaluated_by_unit(), minimum);
    decided.shows(unit, include_subunits) && decided.size(unit, include_subunits) == counted
}

/// SQL of a JSON array `[[id, parent id], …]` of every unit.
pub const UNITS_JSON_SQL: &str = "(SELECT COALESCE(json_agg(json_build_array(u.id, u.parent_id) ORDER BY u.id), '[]') \
     FROM units u)";

/// SQL of a JSON array `[[unit, active ASN], …]`.
pub const STAFF_JSON_SQL: &str = "(SELECT COALESCE(json_agg(json_build_array(s.unit_id, s.n)), \
     '[]') FROM (SELECT m.unit_id, count(*) AS n FROM asn m WHERE m.active \
     GROUP BY m.unit_id) s)";

#[cfg(test)]
mod tests {
    use super::*;

    /// DINAS (1) with BIDANG (2), PKM-A (3) and PKM-B (4) under it; PKM-A has a sub-unit (5).
    fn tree() -> UnitTree {
        UnitTree::new(&[
            (1, None),
            (2, Some(1)),
            (3, Some(1)),
            (4, Some(1)),
            (5, Some(3)),
        ])
    }

    fn cells(pairs: &[(i64, i64)]) -> HashMap<i64, i64> {
        pairs.iter().copied().collect()
    }

    #[test]
    fn small_groups_and_their_differences_are_withheld() {
        // The dinas itself 2 ASN, the bidang 6, PKM-A 3 (+ 4 in its sub-unit), PKM-B 8.
        let r = release(
            &tree(),
            &cells(&[(1, 2), (2, 6), (3, 3), (5, 4), (4, 8)]),
            5,
        );
        assert!(r.shows(2, true) && r.shows(2, false));
        assert!(r.shows(4, true));
        assert!(!r.shows(3, false), "3 ASN");
        assert!(!r.shows(5, true), "4 ASN");
        // PKM-A with its sub-unit has 7 ASN, but the dinas with its sub-units minus the three
        // answers inside it would be the dinas's own 2 ASN: PKM-A goes back into the
        // remainder (the answer that brings a remainder of its own), which becomes 9.
        assert!(r.shows(1, true));
        assert!(!r.shows(3, true));
        assert!(!r.shows(1, false), "2 ASN");
        assert_eq!(r.size(1, true), 23);
        // Every shown answer minus the shown answers inside it is empty or ≥ 5.
        for unit in 1..=5 {
            for with in [true, false] {
                let node = r.node(unit, with).unwrap();
                if r.shown[node] {
                    assert!(r.remainder[node] == 0 || r.remainder[node] >= 5, "{unit}");
                }
            }
        }
    }

    #[test]
    fn empty_groups_show_zeros_and_a_minimum_of_one_withholds_nothing() {
        let r = release(&tree(), &cells(&[(3, 1)]), 5);
        assert!(r.shows(1, false) && r.shows(2, true), "nobody counted");
        assert!(!r.shows(3, true) && !r.shows(1, true));
        let all = release(&tree(), &cells(&[(1, 1), (2, 2), (3, 1), (5, 1)]), 1);
        for unit in 1..=5 {
            assert!(all.shows(unit, true) && all.shows(unit, false));
        }
        assert!(!all.shows(99, true), "an unknown unit");
    }

    #[test]
    fn a_team_is_shown_only_whole_large_and_leaving_a_large_remainder() {
        // PKM-B: its head (evaluated by the head of the dinas, evaluator 100) and 8 staff
        // evaluated by the head of PKM-B (evaluator 200); the bidang: 6 by evaluator 300.
        let by_unit = cells(&[(4, 9), (2, 6)]);
        let r = release(&tree(), &by_unit, 5);
        assert!(r.shows(4, true));
        let teams = [(4, 100, 1), (4, 200, 8), (2, 300, 6)];
        let shown = released_teams(&r, &teams);
        // PKM-B minus the team of 200 would be its head alone.
        assert!(!shown.contains(&200));
        assert!(!shown.contains(&100), "one ASN");
        // The bidang is its team: the remainder is empty.
        assert!(shown.contains(&300));
        // With 5 more staff of PKM-B evaluated by someone else (400), 200 can be shown.
        let by_unit = cells(&[(4, 14), (2, 6)]);
        let r = release(&tree(), &by_unit, 5);
        let shown = released_teams(&r, &[(4, 100, 1), (4, 200, 8), (4, 400, 5)]);
        assert!(shown.contains(&200) && !shown.contains(&400));
        // A team across two remainders is never shown (PKM-B and the bidang both shown).
        let shown = released_teams(&r, &[(4, 500, 10), (2, 500, 6)]);
        assert!(shown.is_empty());
    }

    /// The remainder of a shown node recomputed from the final decisions: its cells not
    /// covered by a shown answer strictly inside it.
    fn uncovered(r: &Release, node: usize) -> i64 {
        let t = &r.tree;
        let top = node / 2;
        if node == own(top) {
            return r.size[node];
        }
        let mut total = 0;
        for unit in 0..t.ids.len() {
            // The path from the unit up to `top`, if `top` is above it (or is it).
            let mut path = vec![unit];
            while *path.last().unwrap() != top {
                match t.parent[*path.last().unwrap()] {
                    Some(p) => path.push(p),
                    None => break,
                }
            }
            if *path.last().unwrap() != top {
                continue;
            }
            let covered = r.shown[own(unit)] || path.iter().any(|u| *u != top && r.shown[sub(*u)]);
            if !covered {
                total += r.size[own(unit)];
            }
        }
        total
    }

    #[test]
    fn no_shown_answer_leaves_a_small_remainder_on_random_trees() {
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        for _ in 0..300 {
            let count = 1 + next(25) as i64;
            let units: Vec<(i64, Option<i64>)> = (0..count)
                .map(|i| (i + 10, (i > 0).then(|| 10 + next(i as u64) as i64)))
                .collect();
            let cells: HashMap<i64, i64> = units
                .iter()
                .map(|(id, _)| (*id, [0, 0, 1, 2, 3, 4, 6, 9][next(8) as usize]))
                .collect();
            let minimum = 1 + next(6) as i64;
            let r = release(&UnitTree::new(&units), &cells, minimum);
            for node in 0..r.shown.len() {
                if r.shown[node] {
                    let left = uncovered(&r, node);
                    assert!(left == 0 || left >= minimum, "{units:?} {cells:?} {node}");
                    assert_eq!(left, r.remainder[node]);
                }
            }
            // A unit with no sub-units answers the same with and without them.
            for (id, _) in &units {
                let unit = r.tree.index[id];
                if r.tree.children[unit].is_empty() {
                    assert_eq!(r.shows(*id, true), r.shows(*id, false));
                }
            }
        }
    }

    #[test]
    fn cells_come_from_the_statement_json() {
        let cells = Cells::parse(Some(serde_json::json!({
            "units": [[1, null], [2, 1]],
            "evaluated": [[2, 7, 3], [2, 8, 1]],
        })))
        .unwrap();
        assert_eq!(cells.units, [(1, None), (2, Some(1))]);
        assert_eq!(cells.evaluated_by_unit(), HashMap::from([(2, 4)]));
        assert!(cells.staff.is_empty());
        assert!(Cells::parse(None).unwrap().units.is_empty());
    }
}
