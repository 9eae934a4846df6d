"""The engines that discharge spec against impl, the runner, the report writer and the CLI."""
