//! Money: an amount in integer minor units (cents) with its currency, never a float.
//!
//! Prices are estimates, but a budget, a fee and a plan's total are money: adding them
//! must be exact, and adding amounts of two currencies without a rate is refused.

use std::fmt;

/// An ISO 4217 currency code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency([u8; 3]);

/// What went wrong reading a currency or an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyError(pub String);

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for MoneyError {}

impl Currency {
    pub const USD: Currency = Currency(*b"USD");

    /// Three ASCII letters, in any case.
    pub fn parse(raw: &str) -> Result<Currency, MoneyError> {
        let t = raw.trim();
        let bytes = t.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(MoneyError(format!("'{t}' is not a currency code (three letters, such as USD or EUR)")));
        }
        Ok(Currency([bytes[0].to_ascii_uppercase(), bytes[1].to_ascii_uppercase(), bytes[2].to_ascii_uppercase()]))
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII letters are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// Digits after the decimal point in this currency's minor unit (ISO 4217).
    pub fn exponent(self) -> u32 {
        match &self.0 {
            b"BIF" | b"CLP" | b"DJF" | b"GNF" | b"ISK" | b"JPY" | b"KMF" | b"KRW" | b"PYG" | b"RWF" | b"UGX"
            | b"UYI" | b"VND" | b"VUV" | b"XAF" | b"XOF" | b"XPF" => 0,
            b"BHD" | b"IQD" | b"JOD" | b"KWD" | b"LYD" | b"OMR" | b"TND" => 3,
            _ => 2,
        }
    }

    /// Minor units per major unit (100 for USD).
    pub fn scale(self) -> i64 {
        10_i64.pow(self.exponent())
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An exact amount of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    /// In minor units (cents for USD).
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Money {
        Money { minor: 0, currency }
    }

    /// Reads a decimal amount such as `250`, `250.5`, `1,250.00` or `-3.10` exactly.
    /// More decimals than the currency has are refused, not rounded.
    pub fn parse(raw: &str, currency: Currency) -> Result<Money, MoneyError> {
        let t = raw.trim();
        let (negative, digits) = match t.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, t.strip_prefix('+').unwrap_or(t)),
        };
        let (whole, fraction) = match digits.split_once('.') {
            Some((w, f)) => (w, f),
            None => (digits, ""),
        };
        let whole: String = whole.chars().filter(|&c| c != ',' && c != '_').collect();
        let bad = || MoneyError(format!("'{t}' is not an amount (write it like 1250 or 1250.50)"));
        if whole.is_empty() && fraction.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(bad());
        }
        let exp = currency.exponent() as usize;
        if fraction.len() > exp {
            return Err(MoneyError(format!(
                "'{t}' has more decimals than {currency} has ({exp}); amounts are kept exact, not rounded"
            )));
        }
        let too_big = || MoneyError(format!("'{t}' is too large an amount"));
        let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| too_big())? };
        let mut frac: i64 = if fraction.is_empty() { 0 } else { fraction.parse().map_err(|_| bad())? };
        for _ in fraction.len()..exp {
            frac *= 10;
        }
        let minor = whole.checked_mul(currency.scale()).and_then(|m| m.checked_add(frac)).ok_or_else(too_big)?;
        Ok(Money { minor: if negative { -minor } else { minor }, currency })
    }

    /// The amount as a number of major units, for ratios and display only.
    pub fn major(&self) -> f64 {
        self.minor as f64 / self.currency.scale() as f64
    }

    /// The nearest amount to `major` units of `currency` (for estimates, which are not money
    /// until someone agrees to them).
    pub fn from_major_rounded(major: f64, currency: Currency) -> Money {
        let minor = (major * currency.scale() as f64).round();
        let minor = if minor.is_finite() { minor.clamp(i64::MIN as f64, i64::MAX as f64) as i64 } else { 0 };
        Money { minor, currency }
    }

    /// The sum, or an error when the currencies differ.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError(format!(
                "cannot add {} to {} without an exchange rate",
                other.currency, self.currency
            )));
        }
        self.minor
            .checked_add(other.minor)
            .map(|minor| Money { minor, currency: self.currency })
            .ok_or_else(|| MoneyError("the sum is too large".to_string()))
    }

    /// The difference, or an error when the currencies differ.
    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.checked_add(Money { minor: -other.minor, currency: other.currency })
    }

    /// The amount without its currency, like `1,250.50`.
    pub fn amount(&self) -> String {
        let scale = self.currency.scale();
        let abs = self.minor.unsigned_abs();
        let whole = abs / scale as u64;
        let digits = whole.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(c);
        }
        let sign = if self.minor < 0 { "-" } else { "" };
        match self.currency.exponent() {
            0 => format!("{sign}{grouped}"),
            e => format!("{sign}{grouped}.{:0width$}", abs % scale as u64, width = e as usize),
        }
    }

    /// A plain decimal without grouping, like `1250.50`, for machines.
    pub fn decimal(&self) -> String {
        self.amount().replace(',', "")
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn usd(raw: &str) -> Result<Money, MoneyError> {
        Money::parse(raw, Currency::USD)
    }

    #[test]
    fn amounts_are_read_exactly() {
        assert_eq!(usd("250").unwrap().minor, 25_000);
        assert_eq!(usd("250.5").unwrap().minor, 25_050);
        assert_eq!(usd("1,250.05").unwrap().minor, 125_005);
        assert_eq!(usd("-3.10").unwrap().minor, -310);
        assert_eq!(usd(".5").unwrap().minor, 50);
        assert!(usd("0.001").is_err(), "a third decimal is refused, not rounded");
        assert!(usd("12e3").is_err());
        assert!(usd("").is_err());
        assert!(usd("abc").is_err());
        let yen = Currency::parse("jpy").unwrap();
        assert_eq!(Money::parse("1500", yen).unwrap().minor, 1500);
        assert!(Money::parse("1500.5", yen).is_err());
        assert_eq!(Money::parse("1.234", Currency::parse("KWD").unwrap()).unwrap().minor, 1234);
    }

    #[test]
    fn currencies_do_not_mix() {
        let eur = Currency::parse("eur").unwrap();
        assert_eq!(eur.as_str(), "EUR");
        let err = usd("1").unwrap().checked_add(Money::new(100, eur)).unwrap_err();
        assert!(err.0.contains("without an exchange rate"), "{err}");
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("E1R").is_err());
    }

    #[test]
    fn amounts_print_grouped() {
        assert_eq!(usd("1234567.8").unwrap().to_string(), "1,234,567.80 USD");
        assert_eq!(usd("-0.05").unwrap().amount(), "-0.05");
        assert_eq!(usd("999").unwrap().decimal(), "999.00");
    }

    proptest! {
        #[test]
        fn printing_and_reading_give_back_the_same_amount(minor in -10_000_000_000i64..10_000_000_000) {
            let m = Money::new(minor, Currency::USD);
            prop_assert_eq!(usd(&m.amount()).unwrap(), m);
            prop_assert_eq!(usd(&m.decimal()).unwrap(), m);
        }
    }
}
