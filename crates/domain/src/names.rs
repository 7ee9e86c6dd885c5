//! Enums whose names are written once: strum takes each variant's name from the case given,
//! serde (when asked) writes the same names, and every such enum has the same three helpers.

/// Declares a fieldless enum whose variants are named in `$case` (`"snake_case"`,
/// `"kebab-case"`), with `ALL`, `as_str` and `parse`. `serde` before the case also derives
/// `Serialize` and `Deserialize` with the same names. Docs and further derives go on the enum
/// as usual.
macro_rules! named_enum {
    (serde $case:literal; $(#[$attr:meta])* $vis:vis enum $name:ident { $($body:tt)* }) => {
        named_enum! {
            @declare [serde::Serialize, serde::Deserialize] [#[serde(rename_all = $case)]]
            $case; $(#[$attr])* $vis enum $name { $($body)* }
        }
    };
    ($case:literal; $(#[$attr:meta])* $vis:vis enum $name:ident { $($body:tt)* }) => {
        named_enum! { @declare [] [] $case; $(#[$attr])* $vis enum $name { $($body)* } }
    };
    (
        @declare [$($derive:path),*] [$(#[$serde:meta])*]
        $case:literal; $(#[$attr:meta])* $vis:vis enum $name:ident { $($body:tt)* }
    ) => {
        $(#[$attr])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            $($derive,)*
            strum::IntoStaticStr,
            strum::EnumString,
            strum::VariantArray,
        )]
        $(#[$serde])*
        #[strum(serialize_all = $case)]
        $vis enum $name { $($body)* }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = <$name as strum::VariantArray>::VARIANTS;

            /// The variant's name, as commands, the database and the JSON formats write it.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// The variant of that name, if any.
            pub fn parse(s: &str) -> Option<$name> {
                s.parse().ok()
            }
        }
    };
}
