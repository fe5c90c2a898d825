# The plan's make targets, as thin wrappers over the npm scripts.
.PHONY: dashboards dashboards-validate dashboards-check dashboards-test

dashboards:
	npm run render

dashboards-validate:
	npm run validate

dashboards-check:
	npm run check

dashboards-test:
	npm test
