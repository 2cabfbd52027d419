//! Whether a column type change keeps the values A's code reads and writes, and why.
//!
//! Sizes within one family of types (integers, decimals, floats, text) are
//! compared by rule; conversions across families, and those whose meaning
//! depends on the database, come from one table per dialect ([`CONVERSIONS`]),
//! each with the reason it keeps or breaks A's values.

use crate::sql::Dialect;

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
    /// Bounded bytes (`varbinary(n)`), unbounded bytes (`bytea`).
    Binary {
        bounded: bool,
    },
    Other,
}

/// What a type change does to A's values, and why, as a report says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conversion {
    pub change: TypeChange,
    pub why: &'static str,
    /// Whether the old and new types are of different kinds (a known conversion
    /// such as `timestamp` to `timestamptz`), whose reason a report must give; a
    /// change of size within one kind needs none.
    pub across_kinds: bool,
}

const SAME: &str = "the same type";
const FITS: &str = "every value A's code writes fits and reads back the same";
const SMALLER: &str = "values A's code writes may not fit: the new type is smaller";
const OTHER_KIND: &str =
    "A's code writes and reads values of the old kind, which the new type may reject or return differently";

/// One known conversion: in these dialects, from any of `from` to any of `to`
/// (types as [`base_name`] spells them).
struct Known {
    dialects: &'static [Dialect],
    from: &'static [&'static str],
    to: &'static [&'static str],
    change: TypeChange,
    why: &'static str,
}

const ALL: &[Dialect] = &[Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite, Dialect::Mssql];
const INTEGERS_UP_TO_32_BITS: &[&str] =
    &["tinyint", "int1", "smallint", "int2", "mediumint", "int", "integer", "int4", "serial", "smallserial"];
const BIG_INTEGERS: &[&str] = &["bigint", "int8", "bigserial"];
const DOUBLES: &[&str] = &["double precision", "double", "float8", "float"];

/// Conversions across families, or whose effect depends on the database.
const CONVERSIONS: &[Known] = &[
    Known {
        dialects: &[Dialect::Postgres],
        from: &["timestamp"],
        to: &["timestamptz"],
        change: TypeChange::Widened,
        why: "every time A's code writes is read in the session's time zone and keeps its instant; A reads the same times back, with an offset (rows already stored are converted in the time zone of the session that migrates: UTC keeps them as they were)",
    },
    Known {
        dialects: &[Dialect::Postgres],
        from: &["timestamptz"],
        to: &["timestamp"],
        change: TypeChange::NarrowedOrIncompatible,
        why: "the time zone is dropped: times A's code wrote with an offset read back as local times without it",
    },
    Known {
        dialects: &[Dialect::Postgres],
        from: &["json"],
        to: &["jsonb"],
        change: TypeChange::Widened,
        why: "every JSON document A's code writes is accepted; it reads back normalised (whitespace, key order, duplicate keys dropped), the same document",
    },
    Known {
        dialects: &[Dialect::Postgres],
        from: &["jsonb"],
        to: &["json"],
        change: TypeChange::Widened,
        why: "every JSON document A's code writes is accepted and reads back the same",
    },
    Known {
        dialects: &[Dialect::Postgres, Dialect::Mysql, Dialect::Mssql],
        from: &["date"],
        to: &["timestamp", "timestamptz", "datetime", "datetime2", "smalldatetime", "datetimeoffset"],
        change: TypeChange::NarrowedOrIncompatible,
        why: "the dates A's code writes are accepted (as midnight), but read back as timestamps A's code may not parse as dates",
    },
    Known {
        dialects: ALL,
        from: INTEGERS_UP_TO_32_BITS,
        to: DOUBLES,
        change: TypeChange::NarrowedOrIncompatible,
        why: "every integer A's code writes fits exactly (a double holds integers up to 2^53), but reads back as a floating-point number A's code may not accept as an integer",
    },
    Known {
        dialects: ALL,
        from: BIG_INTEGERS,
        to: DOUBLES,
        change: TypeChange::NarrowedOrIncompatible,
        why: "integers above 2^53 that A's code writes lose precision in a double, and read back as floating-point numbers",
    },
    Known {
        dialects: &[Dialect::Mysql],
        from: &["datetime"],
        to: &["timestamp"],
        change: TypeChange::NarrowedOrIncompatible,
        why: "MySQL's TIMESTAMP holds 1970-01-01 to 2038-01-19 only: times A's code writes outside that range are rejected",
    },
    Known {
        dialects: &[Dialect::Mysql],
        from: &["timestamp"],
        to: &["datetime"],
        change: TypeChange::Widened,
        why: "every TIMESTAMP value fits in DATETIME and reads back the same in the session's time zone",
    },
    Known {
        dialects: &[Dialect::Mssql],
        from: &["datetime", "smalldatetime"],
        to: &["datetime2"],
        change: TypeChange::Widened,
        why: "DATETIME2 holds every DATETIME value, with more range and precision",
    },
    Known {
        dialects: &[Dialect::Mssql],
        from: &["smalldatetime"],
        to: &["datetime"],
        change: TypeChange::Widened,
        why: "DATETIME holds every SMALLDATETIME value, with more range and precision",
    },
    Known {
        dialects: &[Dialect::Mssql],
        from: &["datetime2", "datetimeoffset"],
        to: &["datetime", "smalldatetime"],
        change: TypeChange::NarrowedOrIncompatible,
        why: "dates before 1753 and precision finer than 3 ms that A's code writes do not fit in DATETIME",
    },
    Known {
        dialects: &[Dialect::Mssql],
        from: &["nvarchar", "nchar", "ntext"],
        to: &["varchar", "char", "text"],
        change: TypeChange::NarrowedOrIncompatible,
        why: "Unicode text A's code writes loses the characters outside the column's code page",
    },
];

/// The type's name without sizes, aliases spelled one way (`timestamp(3) with
/// time zone` is `timestamptz`).
fn base_name(normalized: &str) -> String {
    let mut base = String::new();
    let mut depth = 0usize;
    for character in normalized.chars() {
        match character {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => base.push(character),
            _ => {}
        }
    }
    let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    match base.as_str() {
        "timestamp with time zone" => "timestamptz".to_owned(),
        "timestamp without time zone" => "timestamp".to_owned(),
        _ => base,
    }
}

/// MySQL's text and blob types hold at most this many bytes; their unbounded
/// cousins elsewhere (`text`, `bytea`) hold any length.
const MYSQL_TINY: u64 = 255;
const MYSQL_REGULAR: u64 = 65_535;
const MYSQL_MEDIUM: u64 = 16_777_215;
const MYSQL_LONG: u64 = 4_294_967_295;

fn parse(data_type: &str, dialect: Dialect) -> (ParsedType, String) {
    let normalized = data_type.trim().to_lowercase();
    let (base, params) = match normalized.split_once('(') {
        Some((base, rest)) => (
            base.trim().to_owned(),
            rest.trim_end_matches(')').split(',').filter_map(|p| p.trim().parse::<u64>().ok()).collect(),
        ),
        None => (normalized.clone(), Vec::new()),
    };
    let sized = |family, bytes: u64| (ParsedType { family, params: vec![bytes] }, normalized.clone());
    if dialect == Dialect::Mysql {
        let text = Family::Text { bounded: true };
        let binary = Family::Binary { bounded: true };
        match base.as_str() {
            "tinytext" => return sized(text, MYSQL_TINY),
            "text" => return sized(text, MYSQL_REGULAR),
            "mediumtext" => return sized(text, MYSQL_MEDIUM),
            "longtext" => return sized(text, MYSQL_LONG),
            "tinyblob" => return sized(binary, MYSQL_TINY),
            "blob" => return sized(binary, MYSQL_REGULAR),
            "mediumblob" => return sized(binary, MYSQL_MEDIUM),
            "longblob" => return sized(binary, MYSQL_LONG),
            _ => {}
        }
    }
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
        "text" | "mediumtext" | "longtext" | "tinytext" | "clob" | "ntext" | "string" => {
            Family::Text { bounded: false }
        }
        "varbinary" | "binary" => Family::Binary { bounded: !params.is_empty() },
        "bytea" | "blob" | "image" | "tinyblob" | "mediumblob" | "longblob" => {
            Family::Binary { bounded: false }
        }
        _ => Family::Other,
    };
    (ParsedType { family, params }, normalized)
}

/// Compares an old column type with a new one, in `dialect`.
pub fn compare_types(old: &str, new: &str, dialect: Dialect) -> TypeChange {
    convert(old, new, dialect).change
}

/// What changing a column from `old` to `new` does to A's values in `dialect`, and why.
pub fn convert(old: &str, new: &str, dialect: Dialect) -> Conversion {
    let (old_type, old_text) = parse(old, dialect);
    let (new_type, new_text) = parse(new, dialect);
    if old_text == new_text || old_text.is_empty() {
        return Conversion { change: TypeChange::Same, why: SAME, across_kinds: false };
    }
    let (old_base, new_base) = (base_name(&old_text), base_name(&new_text));
    let known = CONVERSIONS.iter().find(|known| {
        known.dialects.contains(&dialect)
            && known.from.contains(&old_base.as_str())
            && known.to.contains(&new_base.as_str())
    });
    if let Some(known) = known {
        return Conversion { change: known.change, why: known.why, across_kinds: true };
    }
    let change = compare_in_family(&old_type, &new_type);
    let why = match change {
        TypeChange::Same => SAME,
        TypeChange::Widened => FITS,
        TypeChange::NarrowedOrIncompatible if same_family(&old_type, &new_type) => SMALLER,
        TypeChange::NarrowedOrIncompatible => OTHER_KIND,
    };
    Conversion { change, why, across_kinds: false }
}

/// Whether two types differ only in size (bounded or not), so a narrowing is a
/// smaller size rather than another kind.
fn same_family(a: &ParsedType, b: &ParsedType) -> bool {
    match (a.family, b.family) {
        (Family::Text { .. }, Family::Text { .. }) | (Family::Binary { .. }, Family::Binary { .. }) => true,
        (Family::Other, _) | (_, Family::Other) => false,
        (a, b) => std::mem::discriminant(&a) == std::mem::discriminant(&b),
    }
}

/// Compares two types by family and size.
fn compare_in_family(old_type: &ParsedType, new_type: &ParsedType) -> TypeChange {
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
        (Family::Text { .. }, Family::Text { bounded: false })
        | (Family::Binary { .. }, Family::Binary { bounded: false }) => true,
        (Family::Text { bounded: true }, Family::Text { bounded: true })
        | (Family::Binary { bounded: true }, Family::Binary { bounded: true }) => {
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
        assert_eq!(compare_types("varchar(50)", "varchar(200)", Dialect::Postgres), TypeChange::Widened);
        assert_eq!(compare_types("character varying(50)", "text", Dialect::Postgres), TypeChange::Widened);
        assert_eq!(compare_types("int", "bigint", Dialect::Postgres), TypeChange::Widened);
        assert_eq!(compare_types("numeric(10,2)", "numeric(12,2)", Dialect::Postgres), TypeChange::Widened);
        assert_eq!(compare_types("integer", "int4", Dialect::Postgres), TypeChange::Same);
    }

    #[test]
    fn narrowing_or_changing_kind_breaks() {
        assert_eq!(
            compare_types("varchar(200)", "varchar(50)", Dialect::Postgres),
            TypeChange::NarrowedOrIncompatible
        );
        assert_eq!(compare_types("bigint", "int", Dialect::Postgres), TypeChange::NarrowedOrIncompatible);
        assert_eq!(
            compare_types("text", "varchar(10)", Dialect::Postgres),
            TypeChange::NarrowedOrIncompatible
        );
        assert_eq!(compare_types("int", "text", Dialect::Postgres), TypeChange::NarrowedOrIncompatible);
        assert_eq!(
            compare_types("numeric(10,2)", "numeric(10,4)", Dialect::Postgres),
            TypeChange::NarrowedOrIncompatible
        );
    }

    #[test]
    fn conversions_across_families_say_exactly_why() {
        let timestamptz = convert("timestamp", "timestamp(3) with time zone", Dialect::Postgres);
        assert_eq!(timestamptz.change, TypeChange::Widened);
        assert!(timestamptz.why.contains("keeps its instant"), "{}", timestamptz.why);
        let back = convert("timestamptz", "timestamp without time zone", Dialect::Postgres);
        assert_eq!(back.change, TypeChange::NarrowedOrIncompatible);
        assert!(back.why.contains("time zone is dropped"));
        let double = convert("integer", "double precision", Dialect::Postgres);
        assert_eq!(double.change, TypeChange::NarrowedOrIncompatible);
        assert!(
            double.why.contains("fits exactly") && double.why.contains("floating-point"),
            "{}",
            double.why
        );
        assert!(convert("bigint", "float8", Dialect::Postgres).why.contains("lose precision"));
        assert_eq!(convert("json", "jsonb", Dialect::Postgres).change, TypeChange::Widened);
        assert_eq!(convert("int", "text", Dialect::Postgres).why, OTHER_KIND);
        assert_eq!(convert("varchar(200)", "varchar(50)", Dialect::Postgres).why, SMALLER);
    }

    #[test]
    fn the_same_names_convert_differently_by_dialect() {
        // MySQL's TIMESTAMP stops in 2038; SQL Server's datetime2 holds every datetime.
        assert_eq!(
            compare_types("datetime", "timestamp", Dialect::Mysql),
            TypeChange::NarrowedOrIncompatible
        );
        assert_eq!(compare_types("timestamp", "datetime", Dialect::Mysql), TypeChange::Widened);
        assert_eq!(compare_types("datetime", "datetime2(7)", Dialect::Mssql), TypeChange::Widened);
        assert_eq!(
            compare_types("datetime2", "datetime", Dialect::Mssql),
            TypeChange::NarrowedOrIncompatible
        );
        assert_eq!(
            compare_types("nvarchar(50)", "varchar(100)", Dialect::Mssql),
            TypeChange::NarrowedOrIncompatible
        );
        assert_eq!(compare_types("nvarchar(50)", "varchar(100)", Dialect::Postgres), TypeChange::Widened);
        assert_eq!(compare_types("varchar(50)", "nvarchar(100)", Dialect::Mssql), TypeChange::Widened);
        assert_eq!(compare_types("text", "tinytext", Dialect::Mysql), TypeChange::NarrowedOrIncompatible);
        assert_eq!(compare_types("tinytext", "text", Dialect::Mysql), TypeChange::Widened);
        assert_eq!(compare_types("blob", "mediumblob", Dialect::Mysql), TypeChange::Widened);
        assert_eq!(compare_types("longblob", "blob", Dialect::Mysql), TypeChange::NarrowedOrIncompatible);
        assert_eq!(
            compare_types("varchar(70000)", "text", Dialect::Mysql),
            TypeChange::NarrowedOrIncompatible
        );
        assert_eq!(compare_types("varchar(70000)", "text", Dialect::Postgres), TypeChange::Widened);
        assert_eq!(compare_types("varbinary(16)", "blob", Dialect::Mysql), TypeChange::Widened);
        assert_eq!(
            compare_types("bytea", "varbinary(16)", Dialect::Postgres),
            TypeChange::NarrowedOrIncompatible
        );
        assert_eq!(convert("uuid", "inet", Dialect::Postgres).why, OTHER_KIND);
    }
}
