//go:build !race

package socket

const concClients, concMessages = 1000, 100

// manyTasks blocked at once: more than Go's 10,000-thread limit.
const manyTasks = 12000
