"""The RFQ market's rules: expiry and quota months (market), quote terms (quotes), junk RFQs (junk), catalogue fit,
recommendation reasons and keyword subscriptions (fit). See docs/domain.md, RFQ market."""
