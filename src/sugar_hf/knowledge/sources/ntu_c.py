"""Hand-written descriptions, NTU RGB+D classes A081-A120 (source of ``descriptions/ntu120.jsonl``)."""

SOURCE = r"""
@ toss a coin
syn: coin toss | flip a coin | flipping a coin
head: tilts up to follow the coin, then down to the hand
hands: the thumb flicks a coin up from a curled fist, and the hand catches it, often slapping it on the back of the other hand
arms: one forearm jerks up slightly at the flick and stays at chest height to catch
hips: stay still
legs: stand still
feet: stay planted
vis: a small coin rests on the curled index finger and thumb
vis: the thumb flicks upward and the coin spins in the air
vis: the catching hand covers the coin on the back of the other hand
vis: the gaze follows the coin up and down

@ fold paper
syn: folding paper | fold a sheet | crease paper
head: looks down at the paper
hands: both hands bring one edge of a sheet onto the other and press the crease flat with the fingers
arms: the forearms stay in front of the chest; the hands move toward each other
hips: stay still
legs: stand still or seated
feet: stay flat
vis: a flat sheet of paper is held at its edges
vis: one half of the sheet is laid over the other
vis: the fingers run along the fold to crease it
vis: the paper stays smooth and is not torn or crumpled

@ ball up paper
syn: crumple paper | crush paper into a ball | scrunch paper
head: looks down at the hands
hands: both hands squeeze a sheet of paper, pressing and rolling it into a tight ball
arms: the forearms move inward toward each other in front of the chest
hips: stay still
legs: stand still
feet: stay planted
vis: a sheet of paper is crushed between both palms
vis: the paper shrinks into a round wad
vis: the fingers curl and squeeze repeatedly
vis: the result is a ball of paper, not torn pieces

@ play magic cube
syn: solving a Rubik's cube | twisting a puzzle cube | play with a cube puzzle
head: looks down at the cube
hands: both hands hold a small cube and the fingers twist its layers quickly
arms: the forearms stay still in front of the chest, elbows bent
hips: stay still
legs: stand still or seated
feet: stay flat
vis: a small colored cube is held in both hands
vis: the fingers rotate the cube's faces with quick turns
vis: the wrists turn while the arms stay still
vis: the gaze is fixed on the cube

@ apply cream on face
syn: put cream on the face | moisturize face | rub lotion on the face
head: holds still and tilts slightly upward
hands: the fingertips dab cream on the cheeks and forehead and rub it in small circles
arms: both forearms rise to face height and move in small circles
hips: stay still
legs: stand still
feet: stay planted
vis: a small tube or jar of cream is held before applying
vis: the fingertips touch the cheeks and forehead in circles
vis: both hands stay at the face, spreading the cream
vis: the face is not wiped with a cloth

@ apply cream on hand back
syn: put lotion on the hands | rub cream on the back of the hand | moisturize hands
head: looks down at the hands
hands: the palm of one hand rubs cream over the back of the other hand, then they switch
arms: the forearms stay in front of the chest, one resting on top of the other
hips: stay still
legs: stand still
feet: stay planted
vis: a tube of cream is squeezed onto the back of one hand
vis: one palm rubs in circles over the back of the other hand
vis: the hands stay together at chest height
vis: the rubbing is palm over back of hand, not palm to palm

@ put on bag
syn: put on a backpack | shoulder a bag | wear a bag
head: turns toward the strap
hands: grip the bag's strap and lift it onto the shoulder, sliding an arm through
arms: one arm lifts the bag from below and swings it behind; the other arm passes through the strap
hips: twist slightly with the swing
legs: stand still
feet: stay planted
vis: a bag or backpack is lifted by its strap
vis: the strap is pulled over the shoulder
vis: the bag ends hanging on the back or at the side
vis: the direction is onto the shoulder, opposite to taking it off

@ take off bag
syn: remove a backpack | take off a bag | unshoulder a bag
head: turns toward the shoulder
hands: one hand grips the strap on the shoulder and slides it off
arms: one arm slips out of the strap while the other swings the bag to the front
hips: twist slightly
legs: stand still
feet: stay planted
vis: the hand grips a strap that is on the shoulder
vis: the bag moves from the back to the front of the body
vis: the bag ends held by its strap in the hand or set down
vis: the direction is off the shoulder

@ put something into a bag
syn: place an item in a bag | pack a bag | put an object inside a bag
head: looks down into the bag
hands: one hand holds the bag open while the other pushes an object into it and comes out empty
arms: one arm reaches down into the bag opening and withdraws
hips: stay still or bend slightly
legs: stand still
feet: stay planted
vis: an object is held above an open bag and pushed inside
vis: one hand holds the bag's opening apart
vis: the inserting hand comes out of the bag empty
vis: the bag is held at waist height in front of the body

@ take something out of a bag
syn: remove an item from a bag | unpack | get something from a bag
head: looks down into the bag
hands: one hand holds the bag open while the other reaches inside and comes out holding an object
arms: one arm reaches down into the bag and lifts back out
hips: stay still or bend slightly
legs: stand still
feet: stay planted
vis: the hand goes into the bag empty
vis: the hand comes out holding an object
vis: the bag is held open at waist height
vis: the direction is out of the bag, opposite to packing it

@ open a box
syn: opening a box | unbox | lift the lid of a box
head: looks down at the box
hands: both hands grip the lid or flaps of a box and pull them up and apart
arms: the forearms lift upward and outward from the box
hips: may bend slightly toward the box
legs: stand still
feet: stay planted
vis: a cardboard box is held or rests in front of the person
vis: the fingers grasp the lid edge or flaps
vis: the lid or flaps are lifted open
vis: the person looks into the opened box

@ move heavy objects
syn: carry a heavy load | lift a heavy box | move something heavy
head: faces forward, strained
hands: both hands grip the bottom or sides of a large heavy object
arms: both arms are extended and tense, holding the load low in front of the body
hips: bend and brace, leaning back slightly under the weight
legs: bend at the knees and take short careful steps
feet: shuffle with a wide stance
vis: a large box or heavy object is held with both hands at hip height
vis: the trunk leans back to counter the weight
vis: short, slow steps with bent knees
vis: both arms are straight and strained

@ shake fist
syn: fist shake | threaten with a fist | angry fist gesture
head: faces forward, may jut forward
hands: one hand clenched into a tight fist
arms: the forearm is raised and shaken back and forth quickly near the shoulder
hips: stay still
legs: stand still
feet: stay planted
vis: a clenched fist is raised to shoulder or head height
vis: the fist shakes in short fast movements
vis: the hand holds nothing
vis: the body stands tense and upright

@ throw up cap/hat
syn: toss a hat in the air | throw a cap up | throw hat upward
head: tilts back looking up
hands: one hand grips a cap and releases it upward
arms: one arm swings from waist height straight up over the head
hips: stay still or lift slightly
legs: stand still
feet: stay planted or rise onto the toes
vis: a cap is held in one hand before the throw
vis: the arm swings upward and the cap leaves the hand above the head
vis: the head tips back to watch the cap rise
vis: the hand ends empty above the head

@ hands up (both hands)
syn: raise both hands | hands in the air | surrender pose
head: faces forward
hands: both hands are open with the palms facing forward
arms: both arms rise from the sides up above the shoulders and hold
hips: stay still
legs: stand still
feet: stay planted
vis: both arms are raised above the head with open palms
vis: the hands are empty
vis: the arms are held up and still
vis: the body is upright and facing forward

@ cross arms
syn: fold arms | arms crossed over the chest | crossing arms
head: faces forward
hands: each hand tucks under or holds the opposite upper arm
arms: both forearms fold across the chest, one over the other, and stay
hips: stay still
legs: stand still
feet: stay planted
vis: the forearms are folded against the chest
vis: the hands are hidden under the opposite arms
vis: the pose is held still
vis: no object is held

@ arm circles
syn: circling arms | arm rotation exercise | windmill arms
head: faces forward
hands: stay open at the ends of the arms
arms: both arms extend out to the sides and rotate in circles from the shoulders
hips: stay still
legs: stand still
feet: stay planted, shoulder width apart
vis: both arms are straight out at shoulder height
vis: the hands trace circles in the air
vis: the movement is continuous and repeated
vis: the body stays still while the arms rotate

@ arm swings
syn: swinging arms | arm swing exercise | swing arms back and forth
head: faces forward
hands: stay open and loose
arms: both arms swing straight forward and backward, or across the body and out
hips: stay still
legs: stand still
feet: stay planted
vis: straight arms swing in large arcs in front of and behind the body
vis: the swinging is rhythmic and repeated
vis: the hands are empty
vis: the trunk stays upright

@ running on the spot
syn: run in place | jogging on the spot | stationary running
head: bobs with each step, facing forward
hands: loosely closed
arms: bent at ninety degrees and pumping forward and backward
hips: bounce up and down
legs: the knees lift alternately in a running rhythm
feet: leave and strike the ground alternately without moving forward
vis: the knees lift alternately while the body stays in place
vis: the bent arms pump in rhythm
vis: the body bounces with each step
vis: the person does not travel across the floor

@ butt kicks (kick backward)
syn: butt kicks | heel kicks | kick heels backward
head: faces forward
hands: loose or resting on the hips
arms: swing lightly or stay on the hips
hips: stay upright
legs: the lower legs fold back so the heels rise toward the buttocks, alternately
feet: the heels flick up behind the body one after the other
vis: the heels rise behind the body toward the buttocks
vis: the knees point down while the lower legs kick back
vis: the legs alternate quickly
vis: the upper body stays upright

@ cross toe touch
syn: toe touch | cross body toe touch | touch opposite foot
head: drops toward the floor with the trunk
hands: one hand reaches down to touch the opposite foot
arms: one arm sweeps diagonally down across the body while the other rises behind
hips: hinge forward and twist
legs: stay straight or slightly bent, wide apart
feet: stay planted wide
vis: one hand touches the opposite foot across the body
vis: the trunk bends forward and twists
vis: the other arm points up behind
vis: the movement alternates sides

@ side kick
syn: kick to the side | lateral kick | sideways kick
head: turns to face the kicking side
hands: held near the chest
arms: stay bent in front of the body for balance
hips: tilt sideways away from the kick
legs: one leg lifts and extends straight out to the side
feet: the kicking foot pushes out sideways, the supporting foot pivots
vis: one leg is extended sideways at hip height
vis: the trunk leans away from the kicking leg
vis: the arms are held close to the body
vis: no other person is close

@ yawn
syn: yawning | tired yawn | open mouth yawn
head: tilts back with the mouth wide open
hands: one hand may cover the mouth
arms: one arm rises slightly to the face, or both stretch up
hips: stay still
legs: stand still
feet: stay planted
vis: the mouth opens wide and the head tips back
vis: one hand covers the open mouth
vis: the shoulders rise slightly
vis: no object is held

@ stretch oneself
syn: stretching | stretch the body | stretch arms overhead
head: tilts back
hands: the fingers interlace or open wide above the head
arms: both arms reach high above the head and pull back
hips: push forward slightly as the back arches
legs: straighten fully
feet: may rise onto the toes
vis: both arms are extended overhead
vis: the back arches and the chest opens
vis: the hands are empty, often interlaced
vis: the whole body lengthens upward

@ blow nose
syn: blowing nose | use a tissue | wipe nose with a tissue
head: bends forward slightly into the tissue
hands: both hands hold a tissue over the nose and pinch it
arms: both forearms rise so the hands meet at the nose
hips: stay still
legs: stand still
feet: stay planted
vis: a tissue or handkerchief covers the nose
vis: both hands pinch the tissue around the nose
vis: the head dips forward briefly
vis: the tissue is folded and lowered afterward

@ hit other person with something
syn: strike someone with an object | hit with an object | attack with an item
head: faces the other person
hands: one hand grips an object such as a bottle, bag or stick by one end
arms: the arm swings the object overhead or sideways down onto the other person
hips: rotate into the swing
legs: step toward the other person
feet: shift weight forward
vis: one person swings a held object at another person
vis: the object contacts the other person's body or head
vis: the victim raises the arms or ducks
vis: the attacker's arm follows through after the hit

@ wield knife towards other person
syn: threaten with a knife | knife attack | brandish a knife
head: faces the other person
hands: one hand grips a knife by its handle, blade forward
arms: the knife arm thrusts or slashes toward the other person
hips: turn toward the other person
legs: step forward
feet: shift weight forward
vis: a knife is held in a fist pointed at another person
vis: the arm makes stabbing or slashing movements toward the other
vis: the other person backs away with raised hands
vis: the two are at close range

@ knock over other person (hit with body)
syn: body slam | shoulder charge | knock someone down
head: ducks forward
hands: tuck in or push
arms: stay close to the body or push with the shoulder leading
hips: drive forward hard
legs: run or lunge toward the other person
feet: push off strongly
vis: one person charges into another with the shoulder or trunk
vis: the other person is knocked backward off balance
vis: the bodies collide at full contact
vis: the attacker leans forward into the impact

@ grab other person’s stuff
syn: snatch something | grab someone's belongings | steal an item
head: looks at the object held by the other person
hands: one hand reaches out and seizes an object from the other person's hand
arms: the arm extends quickly and then pulls back toward the body
hips: turn toward and then away from the other person
legs: may step forward and back
feet: shift quickly
vis: one person's hand closes on an object held by another person
vis: the object is pulled away toward the grabber's body
vis: the other person's hand is left empty
vis: a fast reach and pull motion between two people

@ shoot at other person with a gun
syn: aim a gun at someone | shoot with a pistol | gunshot at a person
head: aligns behind the arm, looking at the other person
hands: one or both hands grip a gun with the index finger on the trigger
arms: both arms extend straight forward at shoulder height toward the other person
hips: square toward the target
legs: stand in a firm stance
feet: planted apart
vis: a gun is held in extended hands pointing at another person
vis: the arms are straight and aligned with the eyes
vis: a small recoil of the hands at the shot
vis: the other person reacts by falling or raising hands

@ step on foot
syn: stamp on someone's foot | tread on a foot | step on another's toes
head: looks down at the other person's feet
hands: stay near the body
arms: hang or swing slightly
hips: shift weight onto the stepping leg
legs: one leg lifts and presses down onto the other person's foot
feet: one foot lands on top of the other person's foot
vis: one person's foot presses on the other person's foot
vis: both people stand close together
vis: the gaze is directed down at the feet
vis: the other person may flinch and pull back

@ high-five
syn: high five | slap hands | give five
head: faces the other person
hands: open palms meet and slap the other person's palm above shoulder level
arms: one arm rises high and swings toward the other person's raised arm
hips: turn toward the other person
legs: step toward each other
feet: stay planted or step
vis: two open palms slap together above the heads
vis: both people raise one arm at the same time
vis: the contact is quick, followed by lowering the arms
vis: the people face each other at arm's length

@ cheers and drink
syn: toast | clink glasses and drink | cheers
head: faces the other person, then tilts back while drinking
hands: each person holds a glass or cup, touching it to the other's and then bringing it to the mouth
arms: extend forward toward the other person, then bend to bring the cup to the lips
hips: stay still
legs: stand facing each other
feet: stay planted
vis: two people each hold a glass or can
vis: the glasses touch between them at chest height
vis: both then raise the glasses to their mouths
vis: the head tips back while drinking

@ carry something with other person
syn: carry together | two-person lift | carry a table together
head: face each other or the direction of travel
hands: both people grip opposite ends of a large object
arms: hold the object at waist height, straight and tense
hips: slightly bent to take the load
legs: step in coordination
feet: shuffle forward or sideways together
vis: a large object such as a box or table is held between two people
vis: each person grips one end with both hands
vis: the two walk together at the same pace
vis: the object stays level between them

@ take a photo of other person
syn: photograph someone | take a picture of a person | snap a photo
head: looks at the phone or camera screen, aimed at the other person
hands: hold a phone or camera in front of the face with both hands; a finger presses the button
arms: raised to chest or face height, elbows bent
hips: stay still
legs: stand still or bend slightly
feet: stay planted
vis: a phone or camera is held up and pointed at another person
vis: the screen faces the photographer, not the photographer's own face
vis: the other person poses at a distance
vis: a finger taps the shutter button

@ follow other person
syn: follow someone | walk behind a person | tail someone
head: faces the back of the other person
hands: swing naturally
arms: swing with the steps
hips: move forward
legs: step in the same direction as the person ahead
feet: step behind the other person's path
vis: one person walks behind another in the same direction
vis: the distance between them stays about the same
vis: the follower faces the leader's back
vis: neither person carries objects

@ whisper in other person’s ear
syn: whisper | whispering to someone | tell a secret
head: leans sideways close to the other person's ear
hands: one hand cups the side of the mouth
arms: one arm rises so the hand shields the mouth next to the other's ear
hips: turn toward the other person
legs: stand close, may lean
feet: step close to the other person
vis: one person's mouth is next to another person's ear
vis: a cupped hand shields the whisper
vis: the bodies stand very close, side by side
vis: the listener tilts the head toward the whisperer

@ exchange things with other person
syn: swap objects | trade items | give and receive
head: faces the other person
hands: each person hands an object to the other while taking the other's object
arms: both extend forward and then withdraw holding new objects
hips: turn toward each other
legs: stand facing each other
feet: stay planted
vis: two people each hold an object out toward the other
vis: objects pass in both directions at the same time
vis: each ends holding the other's object
vis: the hands meet between the two people

@ support somebody with hand
syn: help someone walk | support a person | hold someone up
head: turns toward the other person
hands: one hand holds the other person's arm or elbow, the other may hold the back
arms: brace under or around the other person's arm or shoulders
hips: move alongside the other person
legs: walk slowly beside the other person
feet: take short steps
vis: one person holds the arm or shoulder of another who leans on them
vis: the supported person limps or stoops
vis: the two walk slowly side by side
vis: the helper's arm wraps around the other person's back

@ finger-guessing game (playing rock-paper-scissors)
syn: rock paper scissors | finger guessing | hand game
head: looks at the other person's hand
hands: form a fist, a flat palm or two fingers in a V at the end of each count
arms: one forearm pumps up and down a few times in front of the body, then stops
hips: stay still
legs: stand facing each other
feet: stay planted
vis: two people face each other, each with one hand in front
vis: the fists bounce in sync before revealing a shape
vis: the hands show a fist, an open palm or a V
vis: the gestures are compared between the two hands
"""
