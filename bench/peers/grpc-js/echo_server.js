// fleet.testing.Echo/Unary on @grpc/grpc-js (Node), a peer of `bench grpc`: the request bytes come back as the
// response, with no (de)serialization, as tests/peers/echo_server.py --bench does for grpcio. Speaks the peers'
// start-up protocol: the first stdout line is {"event":"listening","port":N}; closing stdin stops the server.
'use strict';

const grpc = require('@grpc/grpc-js');

const bytes = (buffer) => buffer;
const echoService = {
  Unary: {
    path: '/fleet.testing.Echo/Unary',
    requestStream: false,
    responseStream: false,
    requestSerialize: bytes,
    requestDeserialize: bytes,
    responseSerialize: bytes,
    responseDeserialize: bytes,
  },
};

const server = new grpc.Server();
server.addService(echoService, { Unary: (call, callback) => callback(null, call.request) });
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(`cannot bind 127.0.0.1:0: ${error.message}`);
    process.exit(1);
  }
  console.log(JSON.stringify({ event: 'listening', port }));
});

process.stdin.on('end', () => server.tryShutdown(() => process.exit(0)));
process.stdin.resume();
