export {};
//# sourceMappingURL=hello.spec.d.ts.map