"""Translation catalogues (JSON) and plotly's modebar strings."""
