"""The PDF carnet of a territoire (issue #11 §4): content gathered from the domain, laid out by Typst."""
