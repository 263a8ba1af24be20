// Realistic valid configuration (Bookinfo and the other seed scenarios, seed digest sections 1
// and 9) that the validation rules must accept without a single error.

export const VALID_MESH_YAML = `
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: front-tomcat}
spec:
  hosts: [front-tomcat]
  http:
  - name: front-tomcat-route
    route:
    - destination: {host: front-tomcat, subset: v1}
      weight: 90
    - destination: {host: front-tomcat, subset: v2}
      weight: 10
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: bookinfo-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match:
    - uri: {exact: /productpage}
    - uri: {prefix: /static}
    - uri: {exact: /login}
    - uri: {exact: /logout}
    - uri: {prefix: /api/v1/products}
    route:
    - destination:
        host: productpage
        port: {number: 9080}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: admin-by-claim}
spec:
  hosts: [admin.example.com]
  gateways: [istio-system/public-gateway]
  http:
  - match:
    - headers:
        "@request.auth.claims.group": {exact: admin}
        ":method": {exact: GET}
    route:
    - destination: {host: admin}
  - directResponse:
      status: 403
      body: {string: "admins only"}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: productpage}
spec:
  hosts: [productpage]
  gateways: [bookinfo-gateway, mesh]
  http:
  - route:
    - destination: {host: productpage, subset: v1}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    route:
    - destination: {host: reviews, subset: v2}
  - route:
    - destination: {host: reviews, subset: v1}
      weight: 75
    - destination: {host: reviews, subset: v3}
      weight: 25
    timeout: 0.5s
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - match:
    - headers:
        end-user: {exact: jason}
    fault:
      delay:
        percentage: {value: 100.0}
        fixedDelay: 7s
      abort:
        httpStatus: 500
        percentage: {value: 0.1}
    route:
    - destination: {host: ratings, subset: v1}
  - fault:
      delay: {percent: 100, fixedDelay: 2s}
    route:
    - destination: {host: ratings, subset: v1}
    retries: {attempts: 3, perTryTimeout: 2s, retryOn: "5xx,connect-failure,503"}
    timeout: 10s
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: [httpbin]
  http:
  - route:
    - destination: {host: httpbin, subset: v1}
      weight: 100
    mirror: {host: httpbin, subset: v2}
    mirror_percent: 100
  - match:
    - uri: {regex: "^/status/[0-9]{3}$"}
      queryParams:
        debug: {}
    redirect: {uri: /status/200, redirectCode: 301}
  - match:
    - uri: {prefix: /old}
    rewrite: {uri: /new}
    headers:
      request:
        set: {x-forwarded-proto: https}
      response:
        remove: [x-envoy-upstream-service-time]
    corsPolicy:
      allowOrigins:
      - exact: https://example.com
      allowMethods: [GET, POST]
      allowHeaders: [authorization]
      maxAge: 24h
    route:
    - destination: {host: httpbin, port: {number: 8000}}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: tcp-echo, namespace: istio-io-tcp-traffic-shifting}
spec:
  hosts: ["*"]
  gateways: [tcp-echo-gateway]
  tcp:
  - match:
    - port: 31400
    route:
    - destination: {host: tcp-echo, port: {number: 9000}, subset: v1}
      weight: 80
    - destination: {host: tcp-echo, port: {number: 9000}, subset: v2}
      weight: 20
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata: {name: nginx}
spec:
  hosts: [nginx.example.com]
  gateways: [mygateway]
  tls:
  - match:
    - port: 443
      sniHosts: [nginx.example.com]
    route:
    - destination: {host: my-nginx, port: {number: 443}}
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: RANDOM}
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy:
      connectionPool:
        tcp: {maxConnections: 100}
  - name: v2
    labels: {version: v2}
    trafficPolicy:
      loadBalancer: {simple: ROUND_ROBIN}
  - name: v3
    labels: {version: v3}
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: ratings}
spec:
  host: ratings
  trafficPolicy:
    tls: {mode: ISTIO_MUTUAL}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v2-mysql, labels: {version: v2-mysql}}
  - {name: v2-mysql-vm, labels: {version: v2-mysql-vm}}
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: httpbin}
spec:
  host: httpbin
  trafficPolicy:
    connectionPool:
      tcp: {maxConnections: 1, connectTimeout: 30ms}
      http: {http1MaxPendingRequests: 1, maxRequestsPerConnection: 1}
    outlierDetection:
      consecutiveErrors: 1
      interval: 1s
      baseEjectionTime: 3m
      maxEjectionPercent: 100
    portLevelSettings:
    - port: {number: 8000}
      loadBalancer:
        consistentHash:
          httpCookie: {name: user, ttl: 0s}
---
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: external-svc-https}
spec:
  hosts: [ext-svc.example.com]
  location: MESH_EXTERNAL
  ports:
  - {number: 443, name: https, protocol: HTTPS}
  resolution: DNS
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata: {name: ext-res-dr}
spec:
  host: ext-svc.example.com
  trafficPolicy:
    tls:
      mode: MUTUAL
      clientCertificate: /etc/certs/myclientcert.pem
      privateKey: /etc/certs/client_private_key.pem
      caCertificates: /etc/certs/rootcacerts.pem
---
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: httpbin-bar}
spec:
  hosts: [httpbin.bar.global]
  location: MESH_INTERNAL
  ports:
  - {name: http1, number: 8000, protocol: http}
  resolution: DNS
  addresses: [240.0.0.2]
  endpoints:
  - address: 192.0.2.10
    network: external
    ports: {http1: 15443}
    labels: {cluster: cluster2}
  - address: istio-egressgateway.istio-system.svc.cluster.local
    ports: {http1: 15443}
---
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: wikipedia}
spec:
  hosts: ["*.wikipedia.org"]
  ports:
  - {number: 443, name: tls, protocol: TLS}
  resolution: NONE
---
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata: {name: mygateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-httpbin, protocol: HTTPS}
    tls: {mode: SIMPLE, credentialName: httpbin-credential}
    hosts: [httpbin.example.com]
  - port: {number: 443, name: https-helloworld, protocol: HTTPS}
    tls: {mode: MUTUAL, credentialName: helloworld-credential}
    hosts: [helloworld-v1.example.com]
  - port: {number: 443, name: https-bookinfo, protocol: HTTPS}
    tls:
      mode: SIMPLE
      serverCertificate: /etc/istio/ingressgateway-bookinfo-certs/tls.crt
      privateKey: /etc/istio/ingressgateway-bookinfo-certs/tls.key
    hosts: [bookinfo.com]
  - port: {number: 443, name: tls, protocol: TLS}
    tls: {mode: AUTO_PASSTHROUGH}
    hosts: ["*.local"]
  - port: {number: 80, name: http, protocol: HTTP}
    tls: {httpsRedirect: true}
    hosts: ["bookinfo/*.example.com"]
---
apiVersion: networking.istio.io/v1alpha3
kind: Sidecar
metadata: {name: default, namespace: bookinfo}
spec:
  egress:
  - port: {number: 9080, protocol: HTTP, name: http}
    hosts: ["./*"]
  - hosts: ["./*", "istio-system/*"]
  ingress:
  - port: {number: 9080, protocol: HTTP, name: http}
    defaultEndpoint: 127.0.0.1:9080
  outboundTrafficPolicy: {mode: REGISTRY_ONLY}
---
apiVersion: networking.istio.io/v1beta1
kind: WorkloadEntry
metadata: {name: ratings-v2-vm}
spec:
  address: 10.0.0.9
  ports: {http: 9080}
  labels: {app: ratings, version: v2-mysql-vm}
  weight: 1
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: default, namespace: foo}
spec:
  mtls: {mode: STRICT}
---
apiVersion: security.istio.io/v1beta1
kind: PeerAuthentication
metadata: {name: example-workload-policy, namespace: foo}
spec:
  selector:
    matchLabels: {app: example-app}
  portLevelMtls:
    "80": {mode: DISABLE}
---
apiVersion: security.istio.io/v1beta1
kind: RequestAuthentication
metadata: {name: jwt-example, namespace: foo}
spec:
  selector:
    matchLabels: {app: httpbin}
  jwtRules:
  - issuer: testing@secure.istio.io
    jwksUri: https://raw.githubusercontent.com/istio/istio/release-1.6/security/tools/jwt/samples/jwks.json
    fromHeaders:
    - {name: x-jwt-assertion, prefix: "Bearer "}
---
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: {name: keys-only, namespace: foo}
spec:
  jwtRules:
  - jwksUri: https://example.com/.well-known/jwks.json
  - issuer: inline@example.com
    jwks: '{"keys": [{"kty": "RSA", "e": "AQAB", "n": "xyz"}]}'
---
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: httpbin, namespace: foo}
spec:
  selector:
    matchLabels: {app: httpbin, version: v1}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
    - source:
        namespaces: [dev]
    to:
    - operation:
        methods: [GET]
        paths: ["/info*", "*/admin"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
    - key: request.headers[version]
      values: [v1, v2]
    - key: source.ip
      notValues: [10.1.0.0/16]
---
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: mongodb, namespace: default}
spec:
  selector:
    matchLabels: {app: mongodb}
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/bookinfo-ratings-v2"]
    to:
    - operation:
        ports: ["27017"]
---
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: foo}
spec: {}
---
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: allow-all, namespace: foo}
spec:
  action: ALLOW
  rules:
  - {}
---
apiVersion: security.istio.io/v1beta1
kind: AuthorizationPolicy
metadata: {name: ext-authz, namespace: foo}
spec:
  action: CUSTOM
  provider: {name: my-ext-authz}
  rules:
  - to:
    - operation: {paths: ["/headers"]}
---
apiVersion: v1
kind: Service
metadata: {name: example-service, namespace: foo}
spec:
  selector: {app: example-app}
  ports:
  - {name: http, port: 8000, protocol: TCP, targetPort: 80}
  - {name: grpc-web, port: 9000, targetPort: grpc}
---
apiVersion: v1
kind: Endpoints
metadata: {name: istio-pilot, namespace: istio-system}
subsets:
- addresses:
  - ip: 10.244.1.7
  ports:
  - {name: grpc-xds, port: 15010}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: reviews-abc12
  labels: {kubernetes.io/service-name: reviews}
addressType: IPv4
endpoints:
- addresses: [10.244.1.12]
ports:
- {name: http, port: 9080, protocol: TCP}
---
apiVersion: v1
kind: Pod
metadata:
  name: reviews-v1-0
  labels: {app: reviews, version: v1}
spec:
  containers:
  - name: reviews
    image: docker.io/istio/examples-bookinfo-reviews-v1:1.20.3
    ports:
    - {containerPort: 9080, name: http}
---
apiVersion: v1
kind: Namespace
metadata:
  name: bookinfo
  labels: {istio-injection: enabled}
---
apiVersion: v1
kind: Secret
metadata: {name: httpbin-credential, namespace: istio-system}
type: kubernetes.io/tls
data:
  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCg==
  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCg==
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: front-tomcat}
spec:
  rules:
  - host: tomcat.istio.com
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: front-tomcat
            port: {number: 8080}
---
apiVersion: meshpilot.io/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec:
  rootNamespace: istio-system
  trustDomain: cluster.local
  enableAutoMtls: true
  accessLogFile: /dev/stdout
  connectTimeout: 10s
  protocolDetectionTimeout: 0s
  outboundTrafficPolicy: {mode: ALLOW_ANY}
  defaultConfig:
    discoveryAddress: istiod.istio-system.svc:15012
    drainDuration: 45s
    proxyMetadata: {ISTIO_META_DNS_CAPTURE: "true"}
---
apiVersion: meshpilot.io/v1alpha1
kind: MeshNetworks
metadata: {name: networks}
spec:
  networks:
    network1:
      endpoints:
      - fromRegistry: cluster1
      gateways:
      - registryServiceName: istio-ingressgateway.istio-system.svc.cluster.local
        port: 443
    network2:
      endpoints:
      - fromCidr: 192.168.0.0/16
      gateways:
      - address: 192.23.120.32
        port: 15443
---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    outboundTrafficPolicy:
      mode: REGISTRY_ONLY
    defaultConfig:
      tracing:
        zipkin:
          address: zipkin.istio-system:9411
  meshNetworks: |-
    networks: {}
`;
