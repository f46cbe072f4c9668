// Registry credentials (in progress).
export {};
