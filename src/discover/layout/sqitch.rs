//! sqitch: the order comes from `sqitch.plan`; `deploy/<change>.sql` goes forward,
//! `revert/<change>.sql` is the way back, `verify/` is neither. A change reworked
//! after a tag keeps its earlier script as `deploy/<change>@<tag>.sql`.

use crate::discover::{Direction, Migration, Recognised, ReleaseFile, Version};

/// One change of the plan and the script that deploys it.
#[derive(Debug, PartialEq, Eq)]
struct PlannedChange {
    name: String,
    /// `name` or, for an occurrence reworked later, `name@tag`.
    script: String,
}

/// The changes of a plan, in deploy order. Reworking a change copies its script to
/// `<change>@<tag>.sql`, `<tag>` being the latest tag when it was reworked.
fn planned_changes(plan: &str) -> Vec<PlannedChange> {
    let mut changes: Vec<PlannedChange> = Vec::new();
    let mut latest_tag: Option<String> = None;
    for line in plan.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('%') || line.starts_with('#') {
            continue;
        }
        if let Some(tag) = line.strip_prefix('@') {
            latest_tag = tag.split_whitespace().next().map(str::to_owned);
            continue;
        }
        let Some(name) = line.split_whitespace().next() else { continue };
        // A rework names the earlier version in its dependencies: `[name@tag]`.
        let dependencies =
            line.split_once('[').and_then(|(_, rest)| rest.split_once(']')).map_or("", |(deps, _)| deps);
        let named_tag = dependencies
            .split_whitespace()
            .find_map(|dependency| dependency.strip_prefix(name)?.strip_prefix('@').map(str::to_owned));
        if let (Some(earlier), Some(tag)) =
            (changes.iter_mut().rev().find(|c| c.name == name), named_tag.or(latest_tag.clone()))
        {
            earlier.script = format!("{name}@{tag}");
        }
        changes.push(PlannedChange { name: name.to_owned(), script: name.to_owned() });
    }
    changes
}

/// The project's plan: the `sqitch.plan` nearest the top of the migrations folder.
pub(in crate::discover) fn plan(metadata: &[ReleaseFile]) -> Option<&ReleaseFile> {
    metadata.iter().filter(|f| f.relative.ends_with("sqitch.plan")).min_by_key(|f| f.relative.len())
}

/// The migrations of a sqitch project, in plan order, and the `.sql` files the plan
/// does not name (besides `verify/`).
pub(in crate::discover) fn migrations(
    plan: &ReleaseFile,
    files: Vec<ReleaseFile>,
) -> (Vec<Migration>, Vec<ReleaseFile>) {
    let plan_text = String::from_utf8_lossy(&plan.bytes);
    let folder = plan.relative.rsplit_once('/').map_or(String::new(), |(folder, _)| format!("{folder}/"));
    let mut migrations = Vec::new();
    let mut used = vec![false; files.len()];
    for (index, change) in planned_changes(&plan_text).into_iter().enumerate() {
        for (direction, kind) in [(Direction::Forward, "deploy"), (Direction::Back, "revert")] {
            let wanted = format!("{folder}{kind}/{}.sql", change.script);
            if let Some(position) = files.iter().position(|f| f.relative == wanted) {
                used[position] = true;
                let recognised = Recognised {
                    version: Version::parse(&format!("{}", index + 1)),
                    name: change.name.clone(),
                    direction,
                    repeatable: false,
                };
                migrations.push(Migration::new(files[position].clone(), recognised));
            }
        }
    }
    let unplanned = files
        .into_iter()
        .zip(used)
        .filter(|(file, used)| !used && !file.relative.starts_with(&format!("{folder}verify/")))
        .map(|(file, _)| file)
        .collect();
    (migrations, unplanned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_order_tags_and_reworked_changes() {
        let plan = "%syntax-version=1.0.0\n%project=auth\n\nusers 2020-01-01T00:00:00Z Ana <a@b> # users\n\
                    roles [users] 2020-01-02T00:00:00Z Ana <a@b>\n@v1.0 2020-01-03T00:00:00Z Ana <a@b>\n\
                    grants 2020-01-04T00:00:00Z Ana <a@b>\n@v1.1 2020-01-05T00:00:00Z Ana <a@b>\n\
                    users [users@v1.0] 2020-02-01T00:00:00Z Ana <a@b> # reworked\n";
        let changes = planned_changes(plan);
        let scripts: Vec<&str> = changes.iter().map(|c| c.script.as_str()).collect();
        assert_eq!(scripts, ["users@v1.0", "roles", "grants", "users"]);
    }
}
