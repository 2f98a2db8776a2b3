"""Setting a company up: settings, catalogue, block list, sample and synthetic data, store maintenance."""
