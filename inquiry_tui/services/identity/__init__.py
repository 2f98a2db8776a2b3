"""Who is who on a shared store: the audit chain's check, SSH keys for service-account mode, group mode."""
