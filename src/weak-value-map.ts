// A map whose values are held weakly: an entry lives as long as something else holds its value,
// and is dropped (key and all) once the value has been garbage-collected. For interning tables
// that must not keep alive what nothing uses any more (encoded resources, resource sets).

export class WeakValueMap<K, V extends object> {
  private readonly refs = new Map<K, WeakRef<V>>();
  private readonly registry = new FinalizationRegistry<K>((key) => {
    // The key may since hold a newer value: drop it only if its value is gone.
    if (this.refs.get(key)?.deref() === undefined) this.refs.delete(key);
  });

  get(key: K): V | undefined {
    return this.refs.get(key)?.deref();
  }

  set(key: K, value: V): void {
    this.refs.set(key, new WeakRef(value));
    this.registry.register(value, key);
  }

  /** Entries, counting those whose value was collected but not yet swept. */
  get size(): number {
    return this.refs.size;
  }
}
