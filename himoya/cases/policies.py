"""Need-to-know rules for cases. The queryset form lives in selectors.visible_cases."""
