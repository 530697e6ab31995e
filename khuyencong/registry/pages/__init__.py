"""Staff pages of the establishment registry (namespace ``registry``), by subject:
establishments, their products and yearly figures, and the import and export files."""
