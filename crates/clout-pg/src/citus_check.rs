//! Every statement the backend ran, checked against what Citus runs across nodes
//! (docs/deploy.md, "The rules for statements"): a test drives the application on
//! PostgreSQL with `pg_stat_statements` recording, then hands each recorded statement to
//! [`breaks`], which parses it (sqlparser, PostgreSQL's dialect) and names every rule
//! it breaks:
//!
//! 1. Two distributed tables in one query are joined on their distribution columns
//!    (directly or through other tables' equalities): a join on anything else needs a
//!    repartition, which Citus refuses by default.
//! 2. A correlated subquery over a distributed table is correlated on its distribution
//!    column, or reads one shard (its distribution column equals a parameter).
//! 3. `FOR UPDATE` / `FOR SHARE` and `WITH RECURSIVE` over a distributed table read one
//!    shard.
//!
//! Reference tables (a copy on every node) join anything. Subqueries in `FROM` that are
//! not correlated are planned by Citus on their own, so they are checked as queries of
//! their own. The distribution of each table is read from `schema/citus.sql`.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use sqlparser::ast::{
    Expr, JoinConstraint, JoinOperator, ObjectName, ObjectNamePart, Query, SetExpr, Statement, TableFactor,
    TableWithJoins, Value, Visit, Visitor,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// Which tables Citus distributes, and by which column.
pub struct Layout {
    distributed: HashMap<String, String>,
}

impl Layout {
    /// The layout `schema/citus.sql` sets up.
    pub fn of_schema() -> Layout {
        let mut distributed = HashMap::new();
        for line in crate::schema::CITUS.lines() {
            if let Some(rest) = line.trim().strip_prefix("SELECT create_distributed_table(") {
                let args: Vec<&str> =
                    rest.split(',').map(|a| a.trim().trim_matches(|c: char| matches!(c, '\'' | ')' | ';'))).collect();
                if args.len() >= 2 {
                    distributed.insert(args[0].to_string(), args[1].to_string());
                }
            }
        }
        Layout { distributed }
    }

    pub fn distributed_tables(&self) -> usize {
        self.distributed.len()
    }
}

/// The rules `sql` breaks (empty when it keeps them all), or why it could not be parsed.
pub fn breaks(sql: &str, layout: &Layout) -> Result<Vec<String>, String> {
    // sqlparser 0.59 does not read COLLATE after a `::` cast; the cast names no table or
    // column, so it is dropped first.
    let sql = sql.replace("::text COLLATE", " COLLATE");
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, &sql).map_err(|e| format!("{e}"))?;
    let mut check = Check { layout, scopes: Vec::new(), found: Vec::new() };
    for s in &statements {
        let _ = s.visit(&mut check);
    }
    Ok(check.found)
}

/// A relation of one query's `FROM`: its name in the query, its table (when a table), and
/// that table's distribution column (when distributed).
#[derive(Debug, Clone)]
struct Rel {
    alias: String,
    table: Option<String>,
    dist: Option<String>,
}

struct Check<'a> {
    layout: &'a Layout,
    /// The relations of every enclosing query, innermost last.
    scopes: Vec<Vec<Rel>>,
    found: Vec<String>,
}

impl Visitor for Check<'_> {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        let mut rels = Vec::new();
        for select in selects(&query.body) {
            let (these, conjuncts) = self.scope_of(&select.from, select.selection.as_ref());
            let locked = !query.locks.is_empty();
            let recursive = query.with.as_ref().is_some_and(|w| w.recursive);
            self.check(&these, &conjuncts, locked || recursive);
            rels.extend(these);
        }
        self.scopes.push(rels);
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.scopes.pop();
        ControlFlow::Continue(())
    }

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        // An UPDATE or DELETE: its target (with any FROM or USING) is a scope its
        // subqueries may refer to.
        let (tables, selection): (Vec<TableWithJoins>, Option<&Expr>) = match statement {
            Statement::Update { table, from, selection, .. } => {
                let mut all = vec![table.clone()];
                if let Some(
                    sqlparser::ast::UpdateTableFromKind::AfterSet(f)
                    | sqlparser::ast::UpdateTableFromKind::BeforeSet(f),
                ) = from
                {
                    all.extend(f.iter().cloned());
                }
                (all, selection.as_ref())
            }
            Statement::Delete(d) => {
                let mut all = match &d.from {
                    sqlparser::ast::FromTable::WithFromKeyword(t) | sqlparser::ast::FromTable::WithoutKeyword(t) => {
                        t.clone()
                    }
                };
                all.extend(d.using.iter().flatten().cloned());
                (all, d.selection.as_ref())
            }
            _ => return ControlFlow::Continue(()),
        };
        let (rels, conjuncts) = self.scope_of(&tables, selection);
        self.check(&rels, &conjuncts, false);
        self.scopes.push(rels);
        ControlFlow::Continue(())
    }

    fn post_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        if matches!(statement, Statement::Update { .. } | Statement::Delete(_)) {
            self.scopes.pop();
        }
        ControlFlow::Continue(())
    }
}

/// The plain SELECTs of a query's body (each side of a UNION).
fn selects(body: &SetExpr) -> Vec<&sqlparser::ast::Select> {
    match body {
        SetExpr::Select(s) => vec![s],
        SetExpr::SetOperation { left, right, .. } => {
            let mut all = selects(left);
            all.extend(selects(right));
            all
        }
        _ => Vec::new(),
    }
}

impl Check<'_> {
    /// The relations of a FROM list and the conditions that hold between them (each join's
    /// ON, then the WHERE), split at AND.
    fn scope_of<'e>(&self, from: &'e [TableWithJoins], selection: Option<&'e Expr>) -> (Vec<Rel>, Vec<&'e Expr>) {
        let mut rels = Vec::new();
        let mut conjuncts = Vec::new();
        for twj in from {
            rels.push(self.rel(&twj.relation));
            for join in &twj.joins {
                rels.push(self.rel(&join.relation));
                let constraint = match &join.join_operator {
                    JoinOperator::Join(c)
                    | JoinOperator::Inner(c)
                    | JoinOperator::Left(c)
                    | JoinOperator::LeftOuter(c)
                    | JoinOperator::Right(c)
                    | JoinOperator::RightOuter(c)
                    | JoinOperator::FullOuter(c) => Some(c),
                    _ => None,
                };
                if let Some(JoinConstraint::On(on)) = constraint {
                    split_and(on, &mut conjuncts);
                }
            }
        }
        if let Some(w) = selection {
            split_and(w, &mut conjuncts);
        }
        (rels, conjuncts)
    }

    fn rel(&self, factor: &TableFactor) -> Rel {
        match factor {
            TableFactor::Table { name, alias, .. } => {
                let table = last(name);
                let alias = alias.as_ref().map(|a| a.name.value.clone()).unwrap_or_else(|| table.clone());
                let dist = self.layout.distributed.get(&table).cloned();
                Rel { alias, table: Some(table), dist }
            }
            TableFactor::Derived { alias, .. }
            | TableFactor::Function { alias, .. }
            | TableFactor::TableFunction { alias, .. }
            | TableFactor::UNNEST { alias, .. } => {
                Rel { alias: alias.as_ref().map(|a| a.name.value.clone()).unwrap_or_default(), table: None, dist: None }
            }
            _ => Rel { alias: String::new(), table: None, dist: None },
        }
    }

    /// Rules 1 to 3 for one scope.
    fn check(&mut self, rels: &[Rel], conjuncts: &[&Expr], one_shard_only: bool) {
        let distributed: Vec<&Rel> = rels.iter().filter(|r| r.dist.is_some()).collect();
        if distributed.is_empty() {
            return;
        }
        let outer: Vec<&Rel> = self.scopes.iter().flatten().collect();
        let resolve = |e: &Expr| -> Option<(String, String)> {
            match strip(e) {
                Expr::CompoundIdentifier(parts) if parts.len() == 2 => {
                    Some((parts[0].value.clone(), parts[1].value.clone()))
                }
                Expr::Identifier(c) => {
                    // A bare column: this scope's relation that has it, when only one could.
                    let owners: Vec<&Rel> = rels.iter().filter(|r| r.table.is_some()).collect();
                    (owners.len() == 1).then(|| (owners[0].alias.clone(), c.value.clone()))
                }
                _ => None,
            }
        };
        let mut classes = Classes::default();
        let mut pinned: HashSet<(String, String)> = HashSet::new();
        for c in conjuncts {
            if let Expr::BinaryOp { left, op: sqlparser::ast::BinaryOperator::Eq, right } = c {
                match (resolve(left), resolve(right)) {
                    (Some(a), Some(b)) => classes.join(a, b),
                    (Some(a), None) if is_parameter(right) => {
                        pinned.insert(a);
                    }
                    (None, Some(b)) if is_parameter(left) => {
                        pinned.insert(b);
                    }
                    _ => {}
                }
            }
        }
        let key = |r: &Rel| (r.alias.clone(), r.dist.clone().unwrap_or_default());
        let is_pinned = |r: &Rel| {
            let k = key(r);
            pinned.iter().any(|p| classes.same(p, &k))
        };
        let names = |r: &Rel| r.table.clone().unwrap_or_default();
        // Rule 1: every two distributed relations joined on their distribution columns.
        for (i, a) in distributed.iter().enumerate() {
            for b in &distributed[i + 1..] {
                if !classes.same(&key(a), &key(b)) {
                    self.found.push(format!(
                        "joins {} and {} other than on their distribution columns ({}.{} = {}.{})",
                        names(a),
                        names(b),
                        a.alias,
                        a.dist.as_deref().unwrap_or(""),
                        b.alias,
                        b.dist.as_deref().unwrap_or("")
                    ));
                }
            }
        }
        // Rule 2: correlated on the distribution column, or one shard.
        let aliases: HashSet<&str> = rels.iter().map(|r| r.alias.as_str()).collect();
        let correlated = conjuncts.iter().any(|c| mentions_outer(c, &aliases, &outer));
        if correlated {
            for d in &distributed {
                let on_dist = outer.iter().filter(|o| o.dist.is_some()).any(|o| classes.same(&key(d), &key(o)));
                if !on_dist && !is_pinned(d) {
                    self.found.push(format!(
                        "a correlated subquery over {} is not correlated on {}.{}",
                        names(d),
                        d.alias,
                        d.dist.as_deref().unwrap_or("")
                    ));
                }
            }
        }
        // Rule 3: FOR UPDATE / SHARE and recursion read one shard.
        if one_shard_only {
            for d in &distributed {
                if !is_pinned(d) {
                    self.found.push(format!(
                        "locks rows of, or recurses over, {} across shards (no {}.{} = parameter)",
                        names(d),
                        d.alias,
                        d.dist.as_deref().unwrap_or("")
                    ));
                }
            }
        }
    }
}

/// Equal columns, by union of classes.
#[derive(Default)]
struct Classes {
    parent: HashMap<(String, String), (String, String)>,
}

impl Classes {
    fn root(&self, k: &(String, String)) -> (String, String) {
        let mut k = k.clone();
        while let Some(p) = self.parent.get(&k) {
            if *p == k {
                break;
            }
            k = p.clone();
        }
        k
    }

    fn join(&mut self, a: (String, String), b: (String, String)) {
        let (ra, rb) = (self.root(&a), self.root(&b));
        if ra != rb {
            self.parent.insert(ra, rb);
        }
    }

    fn same(&self, a: &(String, String), b: &(String, String)) -> bool {
        a == b || self.root(a) == self.root(b)
    }
}

fn split_and<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::BinaryOp { left, op: sqlparser::ast::BinaryOperator::And, right } => {
            split_and(left, out);
            split_and(right, out);
        }
        Expr::Nested(inner) => split_and(inner, out),
        other => out.push(other),
    }
}

/// The expression under casts, collations and parentheses.
fn strip(e: &Expr) -> &Expr {
    match e {
        Expr::Cast { expr, .. } | Expr::Collate { expr, .. } | Expr::Nested(expr) => strip(expr),
        other => other,
    }
}

fn is_parameter(e: &Expr) -> bool {
    matches!(strip(e), Expr::Value(v) if matches!(v.value, Value::Placeholder(_)))
}

/// Whether `e` names a column of an enclosing query's relation (not of this scope's).
fn mentions_outer(e: &Expr, here: &HashSet<&str>, outer: &[&Rel]) -> bool {
    let mut found = false;
    let _ = sqlparser::ast::visit_expressions(e, |x| {
        if let Expr::CompoundIdentifier(parts) = x
            && parts.len() == 2
            && !here.contains(parts[0].value.as_str())
            && outer.iter().any(|o| o.alias == parts[0].value)
        {
            found = true;
        }
        ControlFlow::<()>::Continue(())
    });
    found
}

fn last(name: &ObjectName) -> String {
    match name.0.last() {
        Some(ObjectNamePart::Identifier(i)) => i.value.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str) -> Vec<String> {
        breaks(sql, &Layout::of_schema()).unwrap()
    }

    #[test]
    fn the_layout_is_read_from_the_schema() {
        let layout = Layout::of_schema();
        assert_eq!(layout.distributed.get("channels").map(String::as_str), Some("id"));
        assert_eq!(layout.distributed.get("posts").map(String::as_str), Some("channel_id"));
        assert_eq!(layout.distributed.get("channel_keys").map(String::as_str), Some("handle"));
        assert!(!layout.distributed.contains_key("users"), "a reference table");
    }

    #[test]
    fn joins_on_the_channel_pass_and_others_are_named() {
        assert!(
            check("SELECT * FROM channels c JOIN channel_metrics m ON m.channel_id = c.id WHERE c.id = $1").is_empty()
        );
        // Through a third table's equalities.
        assert!(
            check(
                "SELECT * FROM posts p JOIN channels c ON c.id = p.channel_id JOIN comments k ON k.channel_id = c.id"
            )
            .is_empty()
        );
        // With a reference table, anything goes.
        assert!(check("SELECT * FROM channels c JOIN import_runs r ON r.id = c.id").is_empty());
        let broken = check("SELECT * FROM posts p JOIN comments k ON k.post_id = p.post_id");
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(broken[0].contains("joins posts and comments"), "{broken:?}");
        // The handles' keys are spread by handle, not by channel.
        assert_eq!(check("SELECT * FROM channel_keys k JOIN channels c ON c.id = k.channel_id").len(), 1);
    }

    #[test]
    fn correlated_subqueries_locks_and_recursion_are_held_to_the_channel() {
        assert!(check(
            "SELECT c.id FROM channels c WHERE EXISTS (SELECT 1 FROM posts p WHERE p.channel_id = c.id AND p.likes > 5)"
        )
        .is_empty());
        let broken =
            check("SELECT c.id FROM channels c WHERE EXISTS (SELECT 1 FROM posts p WHERE p.observed_at = c.as_of)");
        assert!(broken.iter().any(|b| b.contains("correlated subquery over posts")), "{broken:?}");
        assert!(
            check("SELECT * FROM campaign_members WHERE channel_id = $1 AND campaign_id = $2 FOR UPDATE").is_empty()
        );
        assert_eq!(check("SELECT * FROM campaign_members WHERE campaign_id = $1 FOR UPDATE").len(), 1);
        // A subquery of an UPDATE sees the updated table.
        assert!(check(
            "UPDATE channel_metrics m SET bucket = $1 WHERE EXISTS (SELECT 1 FROM channels c WHERE c.id = m.channel_id)"
        )
        .is_empty());
    }
}
