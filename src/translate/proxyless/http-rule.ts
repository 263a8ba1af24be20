// The parts of a VirtualService HTTP rule proxyless gRPC routing reads (a narrow view of the
// schema types, which are too wide to work with directly).

export interface StringMatchSpec {
  readonly exact?: string;
  readonly prefix?: string;
  readonly regex?: string;
}

export interface MatchSpec {
  readonly name?: string;
  readonly uri?: StringMatchSpec;
  readonly ignoreUriCase?: boolean;
  readonly headers?: Readonly<Record<string, StringMatchSpec>>;
  readonly withoutHeaders?: Readonly<Record<string, StringMatchSpec>>;
  readonly queryParams?: Readonly<Record<string, StringMatchSpec>>;
  readonly port?: number;
  readonly sourceLabels?: Readonly<Record<string, string>>;
  readonly sourceNamespace?: string;
  readonly gateways?: readonly string[];
}

export interface DestinationSpec {
  readonly host?: string;
  readonly subset?: string;
  readonly port?: { readonly number?: number };
}

export interface PercentSpec {
  readonly value?: number;
}

export interface HttpRuleSpec {
  readonly name?: string;
  readonly match?: readonly MatchSpec[];
  readonly route?: readonly { readonly destination?: DestinationSpec; readonly weight?: number }[];
  readonly redirect?: unknown;
  readonly directResponse?: unknown;
  readonly delegate?: unknown;
  readonly timeout?: string;
  readonly retries?: {
    readonly attempts?: number;
    readonly perTryTimeout?: string;
    readonly retryOn?: string;
  };
  readonly fault?: {
    readonly delay?: {
      readonly fixedDelay?: string;
      readonly percent?: number;
      readonly percentage?: PercentSpec;
    };
    readonly abort?: {
      readonly httpStatus?: number;
      readonly grpcStatus?: string;
      readonly percentage?: PercentSpec;
    };
  };
}
