"""Admin (`0`): the main account's sections (rules, reception, accounts, team, record, audit, ...)."""
