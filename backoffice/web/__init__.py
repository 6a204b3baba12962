"""How the app serves pages: asset bundles, error pages, development tools, deploy checks."""
