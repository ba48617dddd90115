# The orchestrator (Orleans silo, REST/SSE, dashboard, RobotLink). Build from the repository root:
#   docker build -f deploy/docker/orchestrator.Dockerfile -t robotracer/fleet-orchestrator:0.1.0 .
# Ports: 8080 Http (HTTP/1.1), 50051 Grpc (HTTP/2 cleartext), 11111 silo, 30000 gateway (deploy/kubernetes/base).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/RoboTracer.Fleet.Orchestrator/RoboTracer.Fleet.Orchestrator.csproj \
        -c Release -o /app --nologo -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV Kestrel__Endpoints__Http__Url=http://*:8080 \
    Kestrel__Endpoints__Grpc__Url=http://*:50051
EXPOSE 8080 50051 11111 30000
# 1654 is the image's "app" user; numeric so that Kubernetes' runAsNonRoot can check it.
USER 1654
ENTRYPOINT ["dotnet", "RoboTracer.Fleet.Orchestrator.dll"]
