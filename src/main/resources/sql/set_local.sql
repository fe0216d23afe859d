-- A setting for the rest of the transaction (name = value).
SET LOCAL ${setting}
