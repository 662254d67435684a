// Generated code lives in Generated/ (devops/gen-grpc).
