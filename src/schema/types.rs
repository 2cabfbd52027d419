//! Whether a column type change keeps the values A's code reads and writes.

/// How a new column type relates to the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeChange {
    /// Same type, spelled the same or as an alias.
    Same,
    /// Every old value fits and reads back the same (`varchar(50)` → `varchar(200)`,
    /// `int` → `bigint`, `varchar` → `text`).
    Widened,
    /// Some old values no longer fit, or read back differently.
    NarrowedOrIncompatible,
}

/// A type split into its family and its size parameters.
struct ParsedType {
    family: Family,
    params: Vec<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Integers, by width in bytes.
    Integer(u8),
    /// Exact decimals: precision, scale.
    Decimal,
    /// Floating point, by width in bytes.
    Float(u8),
    /// Bounded text (`varchar(n)`, `char(n)`), unbounded text.
    Text {
        bounded: bool,
    },
    Other,
}

fn parse(data_type: &str) -> (ParsedType, String) {
    let normalized = data_type.trim().to_lowercase();
    let (base, params) = match normalized.split_once('(') {
        Some((base, rest)) => (
            base.trim().to_owned(),
            rest.trim_end_matches(')').split(',').filter_map(|p| p.trim().parse::<u64>().ok()).collect(),
        ),
        None => (normalized.clone(), Vec::new()),
    };
    let family = match base.as_str() {
        "tinyint" | "int1" => Family::Integer(1),
        "smallint" | "int2" | "smallserial" => Family::Integer(2),
        "mediumint" => Family::Integer(3),
        "int" | "integer" | "int4" | "serial" => Family::Integer(4),
        "bigint" | "int8" | "bigserial" => Family::Integer(8),
        "numeric" | "decimal" | "dec" | "number" => Family::Decimal,
        "real" | "float4" => Family::Float(4),
        "double precision" | "double" | "float8" | "float" => Family::Float(8),
        "varchar" | "character varying" | "nvarchar" | "char" | "character" | "nchar" | "varchar2" => {
            Family::Text { bounded: !params.is_empty() }
        }
        "text" | "mediumtext" | "longtext" | "clob" | "ntext" | "string" => Family::Text { bounded: false },
        _ => Family::Other,
    };
    (ParsedType { family, params }, normalized)
}

/// Compares an old column type with a new one.
pub fn compare_types(old: &str, new: &str) -> TypeChange {
    let (old_type, old_text) = parse(old);
    let (new_type, new_text) = parse(new);
    if old_text == new_text || old_text.is_empty() {
        return TypeChange::Same;
    }
    let widened = match (old_type.family, new_type.family) {
        (Family::Integer(a), Family::Integer(b)) => {
            if a == b {
                return TypeChange::Same;
            }
            b > a
        }
        (Family::Integer(a), Family::Decimal) => match new_type.params.as_slice() {
            [] => true,
            [precision, scale @ ..] => {
                let digits_needed = u64::from(a) * 5 / 2;
                scale.first().copied().unwrap_or(0) == 0 && *precision >= digits_needed
            }
        },
        (Family::Decimal, Family::Decimal) => {
            match (old_type.params.as_slice(), new_type.params.as_slice()) {
                (_, []) => true,
                ([], _) => false,
                ([p1, rest1 @ ..], [p2, rest2 @ ..]) => {
                    let s1 = rest1.first().copied().unwrap_or(0);
                    let s2 = rest2.first().copied().unwrap_or(0);
                    s2 >= s1 && p2 - s2.min(*p2) >= p1 - s1.min(*p1)
                }
            }
        }
        (Family::Float(a), Family::Float(b)) => {
            if a == b {
                return TypeChange::Same;
            }
            b > a
        }
        (Family::Text { .. }, Family::Text { bounded: false }) => true,
        (Family::Text { bounded: true }, Family::Text { bounded: true }) => {
            match (old_type.params.first(), new_type.params.first()) {
                (Some(a), Some(b)) => b >= a,
                _ => false,
            }
        }
        _ => false,
    };
    if widened { TypeChange::Widened } else { TypeChange::NarrowedOrIncompatible }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widening_keeps_values() {
        assert_eq!(compare_types("varchar(50)", "varchar(200)"), TypeChange::Widened);
        assert_eq!(compare_types("character varying(50)", "text"), TypeChange::Widened);
        assert_eq!(compare_types("int", "bigint"), TypeChange::Widened);
        assert_eq!(compare_types("numeric(10,2)", "numeric(12,2)"), TypeChange::Widened);
        assert_eq!(compare_types("integer", "int4"), TypeChange::Same);
    }

    #[test]
    fn narrowing_or_changing_kind_breaks() {
        assert_eq!(compare_types("varchar(200)", "varchar(50)"), TypeChange::NarrowedOrIncompatible);
        assert_eq!(compare_types("bigint", "int"), TypeChange::NarrowedOrIncompatible);
        assert_eq!(compare_types("text", "varchar(10)"), TypeChange::NarrowedOrIncompatible);
        assert_eq!(compare_types("int", "text"), TypeChange::NarrowedOrIncompatible);
        assert_eq!(compare_types("numeric(10,2)", "numeric(10,4)"), TypeChange::NarrowedOrIncompatible);
    }
}
