/**
 * The shared views' socket events, registered on each session through the signaling edge (so
 * they are parsed, rate-limited, budgeted and answered with typed errors like every request),
 * and the publish path views send through: Socket.IO rooms, which an adapter can carry between
 * hubs later.
 */
import type { HubIo, ViewDomain } from '../signaling/server.ts';
import type { ViewPublisher, ViewSession } from './view.ts';
import type { SharedViews } from './views.ts';

export function sharedViewDomain(views: SharedViews): ViewDomain {
  return ({ socket, principal, clientAddress }) => {
    const session: ViewSession = {
      id: socket.id,
      principal,
      clientAddress,
      enter: (room) => void socket.join(room),
      exit: (room) => void socket.leave(room),
      emit: (event, ...args) => socket.emit(event, ...args)
    };
    return {
      handlers: {
        'view:open': (req) => views.open(session, req),
        'view:join': (req) => views.join(session, req),
        'view:op': (req) => views.change(session, req),
        'view:leave': (req) => views.leave(session, req),
        'view:list': () => ({ views: views.list(principal()) }),
        'view:extend-grant': (req) => views.extendGrant(session, req)
      },
      close: () => views.sessionEnded(session)
    };
  };
}

export function roomPublisher(io: () => HubIo): ViewPublisher {
  return { to: (rooms) => ({ emit: (event, ...args) => io().to(rooms).emit(event, ...args) }) };
}
