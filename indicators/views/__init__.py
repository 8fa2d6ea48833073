"""Views of the indicators app, one module per concern: reports, catalogue, dashboards, excel."""
