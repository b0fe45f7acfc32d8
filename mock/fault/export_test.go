package fault

// MaxRules is the bound on rules, for the tests in package fault_test.
const MaxRules = maxRules
