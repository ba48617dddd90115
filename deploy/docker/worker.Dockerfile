# The inference pool worker, CPU (default) or GPU flavour (DESIGN.md §2: exactly one ONNX Runtime package,
# chosen with the OnnxFlavour build property). From the repository root:
#   docker build -f deploy/docker/worker.Dockerfile -t robotracer/fleet-worker:0.1.0 .
#   docker build -f deploy/docker/worker.Dockerfile --build-arg OnnxFlavour=Gpu -t robotracer/fleet-worker-gpu:0.1.0 .
# Both are self-contained (the runtime comes with the app): the Cpu flavour on the small runtime-deps image, the Gpu
# flavour on NVIDIA's CUDA 13 runtime image with cuDNN (what Microsoft.ML.OnnxRuntime.Gpu 1.32 loads; without a GPU it
# logs why and runs on the CPU).
ARG OnnxFlavour=Cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG OnnxFlavour
WORKDIR /src
COPY . .
RUN dotnet publish src/RoboTracer.Fleet.Inference/RoboTracer.Fleet.Inference.csproj \
        -c Release -o /app --nologo -r linux-x64 --self-contained true -p:OnnxFlavour=$OnnxFlavour

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime-Cpu

FROM nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04 AS runtime-Gpu
# The same non-root user as the .NET images' "app".
RUN groupadd --gid 1654 app && useradd --uid 1654 --gid 1654 --no-create-home --shell /usr/sbin/nologin app

FROM runtime-${OnnxFlavour} AS runtime
WORKDIR /app
COPY --from=build /app .
ENV Kestrel__Endpoints__Http__Url=http://*:8080 \
    Kestrel__Endpoints__Grpc__Url=http://*:50051
EXPOSE 8080 50051
USER 1654
ENTRYPOINT ["/app/RoboTracer.Fleet.Inference"]
