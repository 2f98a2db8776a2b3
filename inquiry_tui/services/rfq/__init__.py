"""The RFQ market: importing RFQs (importing), finding them (market, recommend), quoting (quotes), keyword
subscriptions (subscriptions), the catalogue fit kept current (catalogue) and buyers' answers joining
quote threads (answers). See docs/domain.md, RFQ market."""
