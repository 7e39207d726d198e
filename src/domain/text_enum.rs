//! A closed set of values that travels as a lowercase string: in JSON, in the
//! OpenAPI spec and in a PostgreSQL `text` column guarded by a CHECK constraint.

/// Error for a string that names no member of a closed set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not one of: {expected}")]
pub struct UnknownValue {
    pub value: String,
    pub expected: String,
}

/// Declares an enum whose members each have one canonical string.
///
/// The string is used for serde, for the OpenAPI schema and for the database,
/// so the three can never disagree.
#[macro_export]
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, utoipa::ToSchema,
            diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant ),+
        }

        impl $name {
            /// Every member, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The canonical string of this member.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::text_enum::UnknownValue;
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                match value {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::domain::text_enum::UnknownValue {
                        value: value.to_owned(),
                        expected: [$($text),+].join(", "),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl diesel::serialize::ToSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                use std::io::Write;
                out.write_all(self.as_str().as_bytes())?;
                Ok(diesel::serialize::IsNull::No)
            }
        }

        impl diesel::deserialize::FromSql<diesel::sql_types::Text, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let text = std::str::from_utf8(bytes.as_bytes())?;
                Ok(text.parse::<$name>()?)
            }
        }
    };
}

/// Stores a validated newtype in a PostgreSQL column of its inner type,
/// re-validating on the way out. The type must derive `AsExpression` and
/// `FromSqlRow` for `$sql`.
#[macro_export]
macro_rules! sql_newtype {
    ($name:ident, $sql:ty, $inner:ty, $validated_from:ty) => {
        impl diesel::serialize::ToSql<$sql, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <$inner as diesel::serialize::ToSql<$sql, diesel::pg::Pg>>::to_sql(&self.0, out)
            }
        }

        impl diesel::deserialize::FromSql<$sql, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                let inner =
                    <$inner as diesel::deserialize::FromSql<$sql, diesel::pg::Pg>>::from_sql(
                        bytes,
                    )?;
                Ok($name::try_from(<$validated_from>::from(inner))?)
            }
        }
    };
}

/// OpenAPI schema of an integer between `minimum` and `maximum`.
pub fn bounded_integer_schema(
    minimum: i64,
    maximum: i64,
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(minimum))
        .maximum(Some(maximum))
        .description(Some(description))
        .into()
}

/// Gives a newtype over an integer the OpenAPI schema of a bounded integer.
#[macro_export]
macro_rules! bounded_integer_schema {
    ($name:ident, $minimum:expr, $maximum:expr, $description:expr) => {
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::domain::text_enum::bounded_integer_schema($minimum, $maximum, $description)
            }
        }
        impl utoipa::ToSchema for $name {}
    };
}
