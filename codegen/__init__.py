"""Project code generator: server OpenAPI export and SDK generation."""
