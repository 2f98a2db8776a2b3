"""Admin notes: the main account's word to a salesperson on an inquiry or a customer (supervision)."""
